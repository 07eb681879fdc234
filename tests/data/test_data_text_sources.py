import pytest
import torch

from metagen.data.text_data import TokenWindows, read_text_source
from metagen.tasks.runtime import build_datasets

torch.set_num_threads(1)


def test_read_text_source_file_and_folder(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text("second ö")
    (tmp_path / "a.txt").write_text("first")
    (tmp_path / "skip.bin").write_bytes(b"\x00\x01")
    assert read_text_source(tmp_path / "a.txt") == "first"
    # Sorted paths: a.txt before b/two.md; other suffixes are ignored.
    assert read_text_source(tmp_path) == "first\n\nsecond ö"


def test_read_text_source_errors_say_how_to_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_text_source(tmp_path / "missing.txt")
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(ValueError, match="no .txt or .md files"):
        read_text_source(tmp_path / "empty_dir")
    (tmp_path / "latin1.txt").write_bytes("café".encode("latin-1"))
    with pytest.raises(ValueError, match="latin1.txt is not valid UTF-8"):
        read_text_source(tmp_path / "latin1.txt")
    (tmp_path / "binary.txt").write_bytes(b"abc\x00def")
    with pytest.raises(ValueError, match="binary"):
        read_text_source(tmp_path / "binary.txt")
    (tmp_path / "blank.txt").write_text("  \n ")
    with pytest.raises(ValueError, match="is empty"):
        read_text_source(tmp_path / "blank.txt")
    (tmp_path / "short.txt").write_text("tiny")
    with pytest.raises(ValueError, match="lower data.seq_len"):
        read_text_source(tmp_path / "short.txt", min_chars=100)
    with pytest.raises(ValueError, match="lower data.seq_len"):
        TokenWindows(torch.arange(10), seq_len=16)


def test_build_lm_datasets_from_a_folder(tmp_path):
    (tmp_path / "doc.txt").write_text("the quick brown fox jumps over the lazy dog. " * 40)
    train, val, info = build_datasets("language_modeling", {"seq_len": 32}, str(tmp_path), 0)
    assert info["vocab_size"] == 259 and info["tokenizer"] == "byte"
    assert info["num_val_tokens"] + info["num_train_tokens"] == 45 * 40
    assert len(val) >= 1 and train[0]["input_ids"].shape == (32,)
    with pytest.raises(ValueError, match="lower data.seq_len"):
        build_datasets("language_modeling", {"seq_len": 512}, str(tmp_path), 0)


def test_build_datasets_rejects_unknown_task():
    with pytest.raises(ValueError, match="known tasks"):
        build_datasets("detection", {}, "synthetic", 0)
