"""Text split and tokenized for training: the byte tokenizer as before, a BPE trained on the
training split alone, a given tokenizer.json read as it is, and text records framed by it."""

from __future__ import annotations

import torch

from metagen.data.text_data import TokenWindows, split_tokens, tokenized_text_splits
from metagen.data.text_records import encode_texts
from metagen.data.text_tokenizer import train_bpe
from metagen.data.tokenizer import ByteTokenizer
from metagen.tasks.runtime import build_datasets

TRAIN_WORDS = "the cat sat on the mat and the dog sat on the log.\n" * 40
HELD_OUT_ONLY = "zyzzyva quokka " * 40  # the last tenth: words the training text never has


def _text_file(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text(TRAIN_WORDS + HELD_OUT_ONLY, encoding="utf-8")
    return path


def test_the_byte_tokenizer_splits_tokens_as_it_always_did(tmp_path):
    path = _text_file(tmp_path)
    cfg = {"val_fraction": 0.25, "tokenizer": "byte"}
    tokenizer, (train, train_bytes), (val, val_bytes) = tokenized_text_splits(
        cfg, str(path), 0, ByteTokenizer(), 8
    )
    expected = split_tokens(ByteTokenizer().encode(path.read_text(encoding="utf-8")), 0.25)
    assert torch.equal(train, expected[0]) and torch.equal(val, expected[1])
    assert tokenizer.name == "byte" and train_bytes is None and val_bytes is None


def test_a_bpe_learns_from_the_training_split_only(tmp_path):
    path = _text_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    cfg = {"val_fraction": len(HELD_OUT_ONLY) / len(text), "tokenizer": "bpe", "vocab_size": 600}
    tokenizer, (train, train_bytes), (val, val_bytes) = tokenized_text_splits(
        cfg, str(path), 0, ByteTokenizer(), 8
    )
    assert tokenizer.name == "bpe"
    assert len(tokenizer.encode(" the")) == 1  # a training word, merged
    assert len(tokenizer.encode(" quokka")) >= 4  # a held-out word, never merged
    assert tokenizer.decode(train) + tokenizer.decode(val) == text
    assert int(train_bytes.sum()) == len(TRAIN_WORDS.encode("utf-8"))
    assert int(val_bytes.sum()) == len(HELD_OUT_ONLY.encode("utf-8"))


def test_a_given_tokenizer_json_is_read_not_retrained(tmp_path):
    path = _text_file(tmp_path)
    given = train_bpe(["just a few words"], 300)
    given.save(tmp_path / "tokenizer.json")
    cfg = {"val_fraction": 0.1, "tokenizer": "bpe", "vocab_size": 900}
    cfg["tokenizer_file"] = str(tmp_path / "tokenizer.json")
    tokenizer, (train, _), _ = tokenized_text_splits(cfg, str(path), 0, ByteTokenizer(), 8)
    assert tokenizer.vocab_size == given.vocab_size and tokenizer.source.endswith("tokenizer.json")
    assert train[:20].tolist() == given.encode(TRAIN_WORDS)[:20]


def test_token_windows_carry_the_bytes_of_their_targets():
    tokens, counts = torch.arange(30), torch.arange(30) % 3 + 1
    window = TokenWindows(tokens, 8, token_bytes=counts)[1]
    assert torch.equal(window["targets"], tokens[9:17])
    assert torch.equal(window["target_bytes"], counts[9:17])
    assert "target_bytes" not in TokenWindows(tokens, 8)[1]


def test_text_records_are_framed_by_their_tokenizer():
    bpe = train_bpe([TRAIN_WORDS], 300)
    ids, mask = encode_texts(["the cat sat", None, "the dog " * 40], 12, bpe)
    assert ids[0, : mask[0].sum()].tolist() == [bpe.bos_id, *bpe.encode("the cat sat")]
    assert (ids[0, mask[0].sum() :] == bpe.pad_id).all()
    assert ids[1, 0] == bpe.bos_id and mask[1].sum() == 1  # an empty slot attends to its bos
    assert mask[2].sum() == 12  # cut to seq_len


def test_a_text_classifier_with_bpe_trains_it_on_its_training_texts():
    cfg = {
        "kind": "text",
        "val_fraction": 0.2,
        "num_train": 300,
        "num_val": 100,
        "num_classes": 3,
        "seq_len": 32,
        "tokenizer": "bpe",
        "vocab_size": 400,
    }
    train, val, info = build_datasets("classification", cfg, "synthetic", 0)
    tokenizer = info.pop("text_tokenizer")
    assert info["tokenizer"] == "bpe" and info["vocab_size"] == tokenizer.vocab_size <= 400
    assert info["tokenizer_file"] == "tokenizer.json"
    ids = torch.stack([train[i]["input_ids"] for i in range(len(train))])
    assert (ids[:, 0] == tokenizer.bos_id).all() and int(ids.max()) < tokenizer.vocab_size
    # subword tokens: the texts take fewer tokens than bytes
    mask = torch.stack([train[i]["attention_mask"] for i in range(len(train))])
    first = train[0]["input_ids"][: int(mask[0].sum())]
    assert len(first) < len(tokenizer.decode(first).encode("utf-8")) + 1
    byte_info = build_datasets("classification", {**cfg, "tokenizer": "byte"}, "synthetic", 0)[2]
    assert byte_info["tokenizer"] == "byte" and "text_tokenizer" not in byte_info
