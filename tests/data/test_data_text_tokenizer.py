"""Tokenizers read from a tokenizer.json and BPEs trained on the training text: the ids match
the `tokenizers` library and Hugging Face transformers, the special roles are found, and a
trained BPE is deterministic and round-trips text."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import metagen
from metagen.data.text_data import encode_with_bytes
from metagen.data.text_tokenizer import (
    BPE_SPECIALS,
    load_tokenizer_file,
    saved_text_tokenizer,
    special_id,
    text_tokenizer,
    train_bpe,
    with_training_tokenizer,
)
from metagen.data.tokenizer import ByteTokenizer, MaskedByteTokenizer
from metagen.spec.modality import BPE_MIN_VOCAB

TEXT = (
    "the cat sat on the mat. the cats sat on the mats.\n"
    "a dog chased the cat; the cat ran up the tree.\n\n"
    "café, naïve, 数据 and 🚀 are not ASCII.\n"
) * 20
SAMPLES = ["the cat sat", "  two  spaces\nand a line", "naïve café 🚀", "", "zyzzyva"]


@pytest.fixture(scope="module")
def bpe():
    return train_bpe(TEXT.splitlines(keepends=True), 400)


def test_trained_bpe_round_trips_text_and_keeps_its_specials_first(bpe):
    for text in SAMPLES + [TEXT]:
        assert bpe.decode(bpe.encode(text)) == text
    assert bpe.name == "bpe" and BPE_MIN_VOCAB < bpe.vocab_size <= 400
    assert BPE_MIN_VOCAB == 256 + len(BPE_SPECIALS)  # the spec's minimum counts the specials
    assert [bpe.tokenizer.id_to_token(i) for i in range(4)] == list(BPE_SPECIALS)
    assert (bpe.bos_id, bpe.eos_id, bpe.pad_id, bpe.mask_id) == (0, 1, 2, 3)
    assert bpe.special_ids == (0, 1, 2, 3)
    # merges learned from the text: common words are one token
    assert len(bpe.encode(" the")) == 1 and len(bpe.encode("the cat sat")) < len("the cat sat")
    assert bpe.decode(bpe.encode("the cat") + [0, 2, 99_999]) == "the cat"  # specials skipped


_TRAIN_IN_A_PROCESS = """
import hashlib, sys
from metagen.data.text_tokenizer import train_bpe
text = sys.stdin.read()
print(hashlib.sha256(train_bpe(text.splitlines(keepends=True), 400).tokenizer.to_str()
      .encode()).hexdigest())
"""


def test_bpe_training_is_deterministic_across_processes(bpe):
    digest = hashlib.sha256(bpe.tokenizer.to_str().encode()).hexdigest()
    again = train_bpe(TEXT.splitlines(keepends=True), 400)
    assert hashlib.sha256(again.tokenizer.to_str().encode()).hexdigest() == digest
    # a fresh process has its own hash seeds: the merges must not depend on them
    result = subprocess.run(
        [sys.executable, "-c", _TRAIN_IN_A_PROCESS],
        input=TEXT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(Path(metagen.__file__).resolve().parents[1])},
    )
    assert result.stdout.strip() == digest


def test_a_saved_tokenizer_loads_back_with_the_same_ids(bpe, tmp_path):
    bpe.save(tmp_path / "tokenizer.json")
    loaded = load_tokenizer_file(tmp_path / "tokenizer.json")
    assert not list(tmp_path.glob("*.partial"))
    for text in SAMPLES:
        assert loaded.encode(text) == bpe.encode(text)
        assert loaded.encode_framed(text, 16) == bpe.encode_framed(text, 16)
    assert (loaded.vocab_size, loaded.mask_id) == (bpe.vocab_size, 3)


def test_framing_starts_with_bos_and_never_comes_back_empty(bpe):
    assert bpe.encode_framed("the cat", 64) == [bpe.bos_id, *bpe.encode("the cat")]
    assert bpe.encode_framed("", 64) == [bpe.bos_id]
    assert len(bpe.encode_framed(TEXT, 10)) == 10
    byte = ByteTokenizer()
    assert byte.encode_framed("hé", 8) == [256, 104, 195, 169]
    assert byte.encode_framed("hello", 3) == [256, 104, 101]


def _gpt2_files(folder):
    """A GPT-2 tokenizer in miniature: the byte alphabet, a few merges, <|endoftext|> last."""
    from tokenizers import pre_tokenizers

    vocab = {c: i for i, c in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet()))}
    merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("Ġ", "c"), ("a", "t"), ("Ġc", "at")]
    for a, b in merges:
        vocab[a + b] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    lines = ["#version: 0.2", *(f"{a} {b}" for a, b in merges)]
    (folder / "merges.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "vocab.json", folder / "merges.txt"


def test_a_gpt2_tokenizer_json_encodes_as_transformers_and_tokenizers_do(tmp_path):
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer

    vocab, merges = _gpt2_files(tmp_path)
    reference = transformers.GPT2TokenizerFast(vocab=str(vocab), merges=str(merges))
    reference.save_pretrained(tmp_path / "gpt2")
    ours = load_tokenizer_file(tmp_path / "gpt2" / "tokenizer.json")
    direct = Tokenizer.from_file(str(tmp_path / "gpt2" / "tokenizer.json"))
    for text in SAMPLES:
        assert ours.encode(text) == reference(text)["input_ids"] == direct.encode(text).ids
        assert ours.decode(ours.encode(text)) == text
    eot = reference.convert_tokens_to_ids("<|endoftext|>")
    assert (ours.bos_id, ours.eos_id, ours.pad_id, ours.mask_id) == (eot, eot, None, None)
    assert ours.vocab_size == len(reference) and ours.name == "bpe"
    with pytest.raises(ValueError, match=r"no mask token .*<mask> or \[MASK\].*a masked LM"):
        special_id(ours, "mask", "a masked LM")


def test_a_bert_wordpiece_tokenizer_json_frames_as_transformers_does(tmp_path):
    transformers = pytest.importorskip("transformers")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat"]
    (tmp_path / "vocab.txt").write_text("\n".join([*words, "##s", "a"]) + "\n", encoding="utf-8")
    reference = transformers.BertTokenizerFast(vocab=str(tmp_path / "vocab.txt"))
    reference.save_pretrained(tmp_path / "bert")
    ours = load_tokenizer_file(tmp_path / "bert" / "tokenizer.json")
    assert ours.name == "wordpiece" and ours.vocab_size == 12
    roles = (ours.cls_id, ours.sep_id, ours.mask_id, ours.pad_id)
    assert roles == tuple(reference.convert_tokens_to_ids(["[CLS]", "[SEP]", "[MASK]", "[PAD]"]))
    for text in ("The cats sat on a mat", "the cat", ""):
        assert ours.encode_framed(text, 64) == reference(text)["input_ids"]
        cut = reference(text, truncation=True, max_length=5)["input_ids"]
        assert ours.encode_framed(text, 5) == cut  # [SEP] kept when cut
    # a [MASK] written in the text is the mask token, as infer.py reads it
    assert ours.encode("the [MASK] sat") == [5, ours.mask_id, 7]


def test_a_llama_style_tokenizer_finds_bos_and_eos(tmp_path):
    from tokenizers import SentencePieceBPETokenizer

    trained = SentencePieceBPETokenizer()
    trained.train_from_iterator(
        TEXT.splitlines(), vocab_size=300, special_tokens=["<unk>", "<s>", "</s>"]
    )
    trained.save(str(tmp_path / "tokenizer.json"))
    ours = load_tokenizer_file(tmp_path / "tokenizer.json")
    assert (ours.bos_id, ours.eos_id, ours.pad_id) == (1, 2, None)
    assert ours.decode(ours.encode("the cat sat", add_bos=True, add_eos=True)) == "the cat sat"
    assert ours.encode("the cat", add_bos=True)[0] == 1


def test_unreadable_tokenizer_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.json does not exist"):
        load_tokenizer_file(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken.json is not a tokenizer.json"):
        load_tokenizer_file(tmp_path / "broken.json")
    with pytest.raises(ValueError, match=r"the byte tokenizer has no mask token"):
        special_id(ByteTokenizer(), "mask", "a masked language model")
    assert special_id(MaskedByteTokenizer(), "mask", "a masked language model") == 259


def _word_level_tokenizers(folder):
    """A BERT WordPiece and a SentencePiece BPE (Llama 2's kind), trained on TEXT, saved."""
    from tokenizers import BertWordPieceTokenizer, SentencePieceBPETokenizer

    paths = []
    for name, made in (("bert", BertWordPieceTokenizer()), ("sp", SentencePieceBPETokenizer())):
        made.train_from_iterator(TEXT.splitlines(), vocab_size=300)
        made.save(str(folder / f"{name}.json"))
        paths.append(folder / f"{name}.json")
    return paths


def test_byte_counts_sum_to_the_texts_utf8_bytes(bpe, tmp_path):
    from tokenizers import Tokenizer, processors

    # GPT-2's own post-processor, which trims whitespace off the offsets
    gpt2_like = Tokenizer.from_str(bpe.tokenizer.to_str())
    gpt2_like.post_processor = processors.ByteLevel(trim_offsets=True)
    gpt2_like.save(str(tmp_path / "gpt2.json"))
    files = [tmp_path / "gpt2.json", *_word_level_tokenizers(tmp_path)]
    for tokenizer in (bpe, *(load_tokenizer_file(path) for path in files)):
        for text in SAMPLES[:-2] + [TEXT, "  \n\n  trailing  \n"]:
            ids, counts = encode_with_bytes(tokenizer, text)
            assert ids.tolist() == tokenizer.encode(text)
            assert int(counts.sum()) == len(text.encode("utf-8")) and (counts >= 0).all()
    # a whole word's token covers the word and the space before it (WordPiece drops spaces)
    bert = load_tokenizer_file(tmp_path / "bert.json")
    ids, counts = encode_with_bytes(bert, "the cat sat")
    assert counts.tolist()[-1] == len(" sat") and int(counts.sum()) == len("the cat sat")


def test_the_tokenizer_a_dataset_reads_with(bpe, tmp_path):
    byte = ByteTokenizer()
    assert text_tokenizer({"tokenizer": "byte"}, ["unused"], byte) is byte
    trained = text_tokenizer({"tokenizer": "bpe", "vocab_size": 300}, [TEXT], byte)
    assert trained.name == "bpe" and trained.vocab_size == 300
    bpe.save(tmp_path / "tokenizer.json")
    given = {"tokenizer": "bpe", "vocab_size": 300, "tokenizer_file": tmp_path / "tokenizer.json"}
    assert text_tokenizer(given, [], byte).vocab_size == bpe.vocab_size  # a file is not retrained


def test_training_reads_the_given_then_the_saved_then_the_imported_tokenizer(tmp_path):
    saved, imported = tmp_path / "out" / "tokenizer.json", tmp_path / "weights" / "tokenizer.json"
    cfg = {"tokenizer": "byte"}
    assert with_training_tokenizer(cfg, None, saved, imported)["tokenizer_file"] is None
    imported.parent.mkdir()
    imported.write_text("{}", encoding="utf-8")
    assert with_training_tokenizer(cfg, None, saved, imported)["tokenizer_file"] == str(imported)
    saved.parent.mkdir()
    saved.write_text("{}", encoding="utf-8")
    assert with_training_tokenizer(cfg, None, saved, imported)["tokenizer_file"] == str(saved)
    assert with_training_tokenizer(cfg, None, None, imported)["tokenizer_file"] == str(imported)
    assert with_training_tokenizer(cfg, "mine.json", saved, imported)["tokenizer_file"] == (
        "mine.json"
    )


def test_a_trained_run_reads_back_the_tokenizer_its_data_info_names(bpe, tmp_path):
    (tmp_path / "data_info.json").write_text(json.dumps({"tokenizer": "byte"}), encoding="utf-8")
    byte = ByteTokenizer()
    assert saved_text_tokenizer(tmp_path, byte) is byte
    info = {"tokenizer": "bpe", "tokenizer_file": "tokenizer.json"}
    (tmp_path / "data_info.json").write_text(json.dumps(info), encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="tokenizer.json does not exist"):
        saved_text_tokenizer(tmp_path, byte)
    bpe.save(tmp_path / "tokenizer.json")
    assert saved_text_tokenizer(tmp_path, byte).encode("the cat") == bpe.encode("the cat")
