"""A classifier's seq_len from its training texts: the 95th percentile of their lengths in
tokens, rounded up to whole 8s, within the plan's; and a note on every split it cuts, which
the data's info carries and train.py prints once."""

from __future__ import annotations

import numpy as np

from metagen.data.text_lengths import choose_seq_len, fitted_seq_len
from metagen.data.text_records import encode_texts, text_classification_datasets
from metagen.data.tokenizer import ByteTokenizer


def test_the_95th_percentile_rounded_up_to_eights_within_the_cap() -> None:
    lengths = list(range(200, 0, -1))
    # the nearest rank: the shortest length that 95% of the texts are no longer than
    assert int(np.percentile(lengths, 95, method="inverted_cdf")) == 190
    assert fitted_seq_len(lengths, 4096) == 192
    assert fitted_seq_len(lengths, 100) == 100
    assert fitted_seq_len([3], 64) == 8


def test_the_note_counts_the_cut_texts_and_their_lost_tokens(capsys) -> None:
    train = ["a" * 9] * 19 + ["b" * 40]  # framed: bos + bytes, 10 and 41 tokens
    held_out = ["c" * 99, "d"]
    seq_len, notes = choose_seq_len(train, held_out, ByteTokenizer(), 4096)
    assert seq_len == 16
    assert capsys.readouterr().err == ""  # train.py prints them, from the data's info
    assert notes == [
        "note: 1 of 20 training texts (5.0%) are longer than seq_len 16 tokens and lose their "
        "ends, 25 tokens on average and 25 at most (it keeps 95% of the training texts whole)",
        "note: 1 of 2 held-out texts (50.0%) are longer than seq_len 16 tokens and lose their "
        "ends, 84 tokens on average and 84 at most (it keeps 95% of the training texts whole)",
    ]


def test_a_cap_below_the_percentile_says_how_to_keep_more() -> None:
    seq_len, (note,) = choose_seq_len(["x" * 50] * 4, ["y"], ByteTokenizer(), 32)
    assert seq_len == 32
    assert note.startswith("note: 4 of 4 training texts (100.0%)")
    assert "the plan's most, 32: to keep more, raise seq_len in config.json's data, or " in note


def test_texts_that_fit_get_no_note() -> None:
    assert choose_seq_len(["short"] * 3, ["tiny"], ByteTokenizer(), 64) == (8, [])


def test_a_classifiers_data_reads_that_many_tokens(tmp_path, capsys) -> None:
    lines = [f'{{"text": "{"word " * (i % 7 + 1)}", "label": "{i % 2}"}}' for i in range(40)]
    (tmp_path / "texts.jsonl").write_text("\n".join(lines), encoding="utf-8")
    cfg = {"kind": "text", "seq_len": 512, "val_fraction": 0.25, "tokenizer": "word",
           "vocab_size": 100}  # fmt: skip
    train, val, info = text_classification_datasets(cfg, str(tmp_path / "texts.jsonl"), 0)
    assert info["seq_len"] == 8  # at most 7 words, no frame
    assert train[0]["input_ids"].shape == (8,) and val[0]["input_ids"].shape == (8,)
    assert info["truncation_notes"] == [] and capsys.readouterr().err == ""


def test_texts_in_chunks_fill_them_in_order_and_their_length_is_a_chunks() -> None:
    ids, mask = encode_texts(["abcdefghij", "xy"], 4, ByteTokenizer(), chunks=3)
    assert ids.shape == mask.shape == (2, 3, 4)
    framed = ByteTokenizer().encode_framed("abcdefghij", 12)  # bos, 10 bytes, and no more
    assert ids[0].flatten()[: len(framed)].tolist() == framed
    assert mask[0].sum(-1).tolist() == [4, 4, 3]
    assert mask[1].sum(-1).tolist() == [3, 0, 0]  # bos x y; two empty chunks
    train = ["a" * 30] * 19 + ["b" * 60]  # framed: 31 and 61 tokens
    seq_len, notes = choose_seq_len(train, ["c"], ByteTokenizer(), 4096, chunks=4)
    assert seq_len == 8  # 31 tokens in 4 chunks of 8
    assert notes == [
        "note: 1 of 20 training texts (5.0%) are longer than 4 chunks of seq_len 8 tokens and "
        "lose their ends, 29 tokens on average and 29 at most (it keeps 95% of the training "
        "texts whole)"
    ]
