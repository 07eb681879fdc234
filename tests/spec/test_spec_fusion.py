"""architecture.fusion: the strategies of `src/metagen/spec/vocab.py` as a closed vocabulary,
and the warning when a single-input spec sets one."""

import pytest

from metagen.spec import Spec, SpecError, parse_spec_text
from metagen.spec.vocab import FUSIONS

MULTI = "name: mm\nmodality:\n  inputs: [text, image]\n  outputs: [text]\n"
SINGLE = "name: lm\nmodality:\n  inputs: [text]\n  outputs: [text]\n"


def _load(text: str) -> Spec:
    return parse_spec_text(text, source="spec.yaml")


def test_fusion_defaults_to_none():
    assert _load(MULTI).architecture.fusion is None


@pytest.mark.parametrize("fusion", FUSIONS)
def test_every_fusion_is_accepted_without_warning(fusion):
    spec = _load(MULTI + f"architecture:\n  fusion: {fusion}\n")
    assert spec.architecture.fusion == fusion
    assert spec.warnings == []


def test_the_four_strategies_are_the_vocabulary():
    assert set(FUSIONS) == {"early", "late", "cross_attention", "contrastive"}


def test_unknown_fusion_is_located_and_lists_choices():
    with pytest.raises(SpecError) as info:
        _load(MULTI + "architecture:\n  fusion: cross-attention\n")
    text = str(info.value)
    assert "architecture.fusion" in text
    assert "Did you mean 'cross_attention'?" in text
    assert "early, late, cross_attention, contrastive" in text


def test_fusion_on_a_single_input_spec_warns_and_is_located():
    spec = _load(SINGLE + "architecture:\n  fusion: early\n")
    [warning] = spec.warnings
    assert warning.field == "architecture.fusion"
    assert "one input (text)" in warning.message
    assert (warning.line, warning.column) == (6, 11)
