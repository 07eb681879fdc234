"""A text-classification CSV: rows read as the csv module writes them (quoted commas, quotes
and line breaks), columns named by the data config, and one located, fixable error for each
way a file can be wrong."""

from __future__ import annotations

import csv

import pytest

from metagen.data.text_csv import read_text_csv
from metagen.data.text_records import text_classification_datasets

ROWS = [
    ("A fine film, well acted.", "positive"),
    ('She said "dull" twice.', "negative"),
    ("Two lines:\nboth kind.", "positive"),
    ("Plain text", "negative"),
]


def write_csv(path, rows, header=("text", "label")) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)


def test_rows_round_trip_through_the_csv_writer(tmp_path) -> None:
    path = tmp_path / "reviews.csv"
    write_csv(path, ROWS)
    assert read_text_csv(path) == ROWS


def test_columns_named_by_the_config_and_others_ignored(tmp_path) -> None:
    path = tmp_path / "news.csv"
    write_csv(path, [(i, t, lab) for i, (t, lab) in enumerate(ROWS)], ("id", "body", "topic"))
    assert read_text_csv(path, "body", "topic") == ROWS


def error_of(tmp_path, content: str, **columns) -> str:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        read_text_csv(path, **columns)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "A text-classification CSV is text,label" in message  # what a good file looks like
    return message


def test_a_missing_column_names_the_columns_and_the_config_key(tmp_path) -> None:
    message = error_of(tmp_path, "body,label\nhello,a\nbye,b\n")
    assert ":1: the header has no 'text' column (columns: body, label)" in message
    assert "the spec's data.text (text_column in config.json's data)" in message
    message = error_of(tmp_path, "text,kind\nhello,a\nbye,b\n", label_column="topic")
    assert "no 'topic' column" in message and "data.label (label_column" in message


def test_a_row_with_an_unquoted_comma_is_located(tmp_path) -> None:
    message = error_of(tmp_path, "text,label\nfine,a\nfine, but long,b\n")
    assert ":3: the row has 3 values for the header's 2 columns" in message
    assert "Quote a text that holds commas" in message


def test_a_quote_never_closed_is_located_where_it_opens(tmp_path) -> None:
    message = error_of(tmp_path, 'text,label\nfine,a\n"never closed,b\nmore,c\n')
    assert ":3: a quote opened on this line never closes" in message


def test_empty_values_and_too_few_rows(tmp_path) -> None:
    assert ":3: the 'label' value is empty" in error_of(tmp_path, "text,label\na,x\nb,\n")
    assert ":2: the 'text' value is empty" in error_of(tmp_path, 'text,label\n" ",x\nb,y\n')
    assert "1 data row(s)" in error_of(tmp_path, "text,label\nalone,x\n")
    assert "the file is empty" in error_of(tmp_path, "")


def test_a_file_that_is_not_utf8(tmp_path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("text,label\ncaf\xe9,a\n".encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8 text"):
        read_text_csv(path)


def test_classification_reads_a_csv_file_and_a_folder_of_csvs(tmp_path) -> None:
    rows = [(f"about {topic} number {i}", topic) for i in range(20) for topic in ("cats", "cars")]
    cfg = {"kind": "text", "seq_len": 64, "val_fraction": 0.25, "text_column": None}
    write_csv(tmp_path / "all.csv", rows)
    train, val, info = text_classification_datasets(cfg, str(tmp_path / "all.csv"), 0)
    assert (len(train), len(val), info["class_names"]) == (30, 10, ["cars", "cats"])
    folder = tmp_path / "split"
    folder.mkdir()
    write_csv(folder / "train.csv", rows[:30], ("body", "label"))
    write_csv(folder / "val.csv", rows[30:], ("body", "label"))
    cfg["text_column"] = "body"
    train, val, info = text_classification_datasets(cfg, str(folder), 0)
    assert (len(train), len(val)) == (30, 10)
    assert int(train[0]["labels"]) == info["class_names"].index(rows[0][1])
