"""The inputs and outputs every package's infer.py shares (data/prediction_io.py): the files
a command line names, in order, and the rows written whole as JSONL or CSV."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import pytest

from metagen.data.prediction_io import (
    add_io_arguments,
    input_files,
    output_stem,
    outputs_folder,
    run_predictions,
    write_rows,
)

PICTURES = (".png", ".jpg")


@pytest.fixture
def tree(tmp_path) -> Path:
    for name in ("b.png", "a.png", "notes.txt", "deep/c.jpg"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    return tmp_path


def test_folders_are_sorted_filtered_and_nested_files_globs_and_lists_keep_order(tree) -> None:
    assert input_files([str(tree)], PICTURES) == [
        tree / "a.png",
        tree / "b.png",
        tree / "deep/c.jpg",
    ]
    assert input_files([str(tree / "b.png"), str(tree / "*.png")], PICTURES) == [
        tree / "b.png", tree / "a.png", tree / "b.png"]  # fmt: skip
    (tree / "list.csv").write_text("path,label\nb.png,x\ndeep/c.jpg,y\n")
    (tree / "list.jsonl").write_text('{"image": "a.png"}\n\n{"file": "b.png"}\n')
    assert input_files([str(tree / "list.csv"), str(tree / "list.jsonl")], PICTURES) == [
        tree / "b.png", tree / "deep/c.jpg", tree / "a.png", tree / "b.png"]  # fmt: skip


def test_a_list_is_itself_the_input_where_the_inputs_are_lists(tree) -> None:
    (tree / "rows.csv").write_text("a,b\n1,2\n")
    assert input_files([str(tree / "rows.csv")], (".csv", ".jsonl")) == [tree / "rows.csv"]


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("missing.png", "no such file, folder or matching glob"),
        ("none*.png", "no such file, folder or matching glob"),
        ("deep/../empty", "no such file"),
    ],
)
def test_what_names_nothing_is_refused(tree, given, said) -> None:
    with pytest.raises(ValueError, match=said):
        input_files([str(tree / given)], PICTURES)


def test_a_folder_without_inputs_and_a_list_row_without_a_file_are_refused(tree) -> None:
    (tree / "empty").mkdir()
    with pytest.raises(ValueError, match="no .png/.jpg files there"):
        input_files([str(tree / "empty")], PICTURES)
    (tree / "bad.jsonl").write_text('{"label": 3}\n')
    with pytest.raises(ValueError, match="row 1 names no file"):
        input_files([str(tree / "bad.jsonl")], PICTURES)
    (tree / "broken.jsonl").write_text('{"path": \n')
    with pytest.raises(ValueError, match="line 1 is not JSON"):
        input_files([str(tree / "broken.jsonl")], PICTURES)


ROWS = [
    {"input": "a.png", "label": "cat", "probability": 0.75, "top": {"cat": 0.75, "dog": 0.25}},
    {"input": "b.png", "label": "dog", "probability": 0.5, "boxes": [[1, 2, 3, 4]]},
]


def test_jsonl_keeps_the_rows_and_csv_has_every_column_with_nested_values_as_json(tmp_path) -> None:
    write_rows(ROWS, tmp_path / "p.jsonl")
    lines = (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == ROWS
    write_rows(ROWS, tmp_path / "p.csv")
    with (tmp_path / "p.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == ["input", "label", "probability", "top", "boxes"]
    assert json.loads(table[0]["top"]) == ROWS[0]["top"] and table[0]["boxes"] == ""
    assert json.loads(table[1]["boxes"]) == [[1, 2, 3, 4]] and float(table[1]["probability"]) == 0.5
    assert not list(tmp_path.glob("*.tmp"))
    assert outputs_folder(tmp_path / "p.csv") == tmp_path / "p_files"


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_io_arguments(parser, "pictures")
    return parser.parse_args(argv)


def test_the_loop_batches_and_a_bad_input_writes_nothing(tree, capsys) -> None:
    seen: list[int] = []

    def predict(loaded, files, folder):
        seen.append(len(files))
        if any(f.name == "c.jpg" for f in files) and loaded["strict"]:
            raise ValueError("cannot read image c.jpg")
        return [{"input": str(f)} for f in files]

    out = tree / "p.jsonl"
    args = _args([str(tree), "--out", str(out), "--batch-size", "2"])
    assert run_predictions(args, lambda _: {"strict": False}, predict, PICTURES) == 0
    assert seen == [2, 1] and len(out.read_text().splitlines()) == 3
    out.unlink()
    assert run_predictions(args, lambda _: {"strict": True}, predict, PICTURES) == 2
    assert "error: cannot read image c.jpg" in capsys.readouterr().err and not out.exists()
    assert run_predictions(_args([]), lambda _: {}, predict, PICTURES) == 2
    assert "name the inputs to predict" in capsys.readouterr().err


def test_files_written_for_inputs_of_one_name_in_two_folders_are_two(tree) -> None:
    first, second = output_stem(tree / "a.png"), output_stem(tree / "deep" / "a.png")
    assert first != second and first.startswith("a_") and second.startswith("a_")
    assert output_stem(tree / "a.png") == first  # the same input, the same name each run
    assert output_stem(tree / "list.csv", 3).startswith("list_3_")


def test_a_list_naming_a_file_by_a_number_reads_it_as_a_name(tree) -> None:
    (tree / "numbered.jsonl").write_text('{"file": 7}\n')
    assert input_files([str(tree / "numbered.jsonl")], PICTURES) == [tree / "7"]
