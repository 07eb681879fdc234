"""Language-model windows read by the byte tokenizer, or by a BPE that the data builder trains
and hands to train.py to save."""

from __future__ import annotations

from metagen.data.synthetic_text import make_synthetic_text
from metagen.tasks.language_modeling.data import language_model_datasets

CFG = {"val_fraction": 0.1, "stride": None, "synthetic_chars": 20_000, "seq_len": 32}


def test_byte_windows_have_no_byte_counts_and_nothing_to_save():
    train, val, info = language_model_datasets({**CFG, "tokenizer": "byte"}, "synthetic", 0)
    assert set(train[0]) == {"input_ids", "targets"}
    assert (info["tokenizer"], info["vocab_size"]) == ("byte", 259)
    assert "text_tokenizer" not in info and "tokenizer_file" not in info
    text = make_synthetic_text(20_000, 0)
    assert info["num_train_tokens"] + info["num_val_tokens"] == len(text.encode())


def test_bpe_windows_carry_byte_counts_and_the_tokenizer_to_save():
    cfg = {**CFG, "tokenizer": "bpe", "vocab_size": 320}
    train, val, info = language_model_datasets(cfg, "synthetic", 0)
    tokenizer = info.pop("text_tokenizer")
    assert info["tokenizer"] == "bpe" and info["vocab_size"] == tokenizer.vocab_size == 320
    assert info["num_train_tokens"] + info["num_val_tokens"] < 19_000  # merges: fewer tokens
    window = val[0]
    assert set(window) == {"input_ids", "targets", "target_bytes"}
    assert int(window["target_bytes"].sum()) == len(tokenizer.decode(window["targets"]).encode())
    assert int(window["targets"].max()) < 320
