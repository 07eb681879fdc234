"""modality.text.tokenizer: 'bpe' asks for a byte-level BPE of vocab_size tokens; the size is
required and bounded, each mistake a located one-paragraph error."""

from __future__ import annotations

import pytest

from metagen.spec import SpecError, parse_spec_text

HEAD = "name: tiny\nmodality:\n  inputs: [text]\n  outputs: [text]\n"


def _text(params: str):
    return parse_spec_text(HEAD + f"  text: {params}\n", source="spec.yaml")


def test_bpe_with_a_size_is_a_valid_spec():
    text = _text("{tokenizer: bpe, vocab_size: 8000}").modality.text
    assert (text.tokenizer, text.vocab_size) == ("bpe", 8000)
    assert _text("{tokenizer: bpe, vocab_size: 260}").modality.text.vocab_size == 260


@pytest.mark.parametrize(
    ("params", "field", "column", "says"),
    [
        ("{tokenizer: bpe}", "modality.text.tokenizer", 21, "needs modality.text.vocab_size"),
        ("{tokenizer: bpe, vocab_size: 259}", "modality.text.vocab_size", 38, "needs 260 ids"),
        ("{tokenizer: bpe, vocab_size: 1000001}", "modality.text.vocab_size", 38, "1,000,000"),
        ("{tokenizer: wordpiece}", "modality.text.tokenizer", 21, "Accepted values: byte, bpe"),
    ],
)
def test_bad_bpe_settings_are_located_errors(params, field, column, says):
    with pytest.raises(SpecError) as caught:
        _text(params)
    error = caught.value
    assert (error.field, error.line, error.column) == (field, 5, column)
    assert says in str(error) and "\n" not in str(error)


def test_a_byte_tokenizer_keeps_its_vocab_rules():
    assert _text("{vocab_size: 100}").modality.text.vocab_size == 100  # the planner judges it
