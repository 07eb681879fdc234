"""What every package's infer.py shares: the inputs a command line names (files, folders,
globs, or CSV and JSONL lists naming files), the rows it writes (JSONL or CSV, whole or not
at all), and the loop that predicts them in batches. `metagen predict` runs infer.py, and
`metagen serve` imports its `load` and `predict`: one code path for all three."""

import argparse
import csv
import glob
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

LISTS = (".csv", ".jsonl")
# the column or key of a CSV or JSONL list that names an input file
LISTED_KEYS = ("path", "file", "image", "audio", "video", "graph")
BATCH_SIZE = 32


def add_io_arguments(parser: argparse.ArgumentParser, inputs_help: str) -> None:
    """The arguments every infer.py takes: the checkpoint, the inputs, --out and the batch."""
    parser.add_argument("inputs", nargs="*", help=inputs_help)
    parser.add_argument("--checkpoint", default="out", help="a train.py output folder")
    parser.add_argument("--out", type=Path, help="predictions.jsonl or .csv (default: print)")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="inputs per batch")


def input_files(given: list[str], suffixes: tuple[str, ...]) -> list[Path]:
    """Every input file named, in order: a file; a folder's files with these suffixes (sorted,
    nested folders too); a glob's matches; or, where the inputs are not lists themselves, each
    row of a CSV or JSONL naming a file (its path/file/image/audio/video/graph field, read
    from beside the list)."""
    found: list[Path] = []
    for text in given:
        path = Path(text)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in suffixes)
        elif (
            path.is_file() and path.suffix.lower() in LISTS and path.suffix.lower() not in suffixes
        ):
            found += [path.parent / str(row[key]) for row, key in listed(path)]
        elif path.is_file():
            found.append(path)
        elif glob.has_magic(text) and glob.glob(text, recursive=True):
            found += sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        else:
            raise ValueError(f"{text}: no such file, folder or matching glob")
    if not found:
        raise ValueError(f"{' '.join(given)}: no {'/'.join(suffixes)} files there")
    return found


def utf8_text(path: Path) -> str:
    """The file's text; a ValueError naming it where it is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text; save it as UTF-8") from None


def read_rows(path: Path) -> list[dict]:
    """A CSV's rows (by its header) or a JSONL's objects."""
    text = utf8_text(path)
    if path.suffix.lower() == ".csv":
        return list(csv.DictReader(text.splitlines()))
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            row = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            raise ValueError(f"{path}: line {number} is not JSON") from None
        if row is not None and not isinstance(row, dict):
            raise ValueError(f"{path}: line {number} is not a JSON object")
        rows += [row] if row is not None else []
    return rows


def text_rows(files: list[Path]) -> list[tuple[str, dict]]:
    """(input, row) of each text input: a .txt file whole as {"text": ...} (less the line
    break editors end it with), or each row of a .jsonl/.csv (input: path:N, N from 1)."""
    found: list[tuple[str, dict]] = []
    for path in files:
        if path.suffix.lower() == ".txt":
            found.append((str(path), {"text": utf8_text(path).removesuffix("\n")}))
        else:
            found += [(f"{path}:{n}", row) for n, row in enumerate(read_rows(path), start=1)]
    return found


def listed(path: Path) -> list[tuple[dict, str]]:
    """Each row of a list of files, with the field that names its file."""
    named = []
    for number, row in enumerate(read_rows(path), start=1):
        key = next((k for k in LISTED_KEYS if row.get(k)), None)
        if key is None:
            raise ValueError(f"{path}: row {number} names no file (give it a "
                             f"{'/'.join(LISTED_KEYS)} field)")  # fmt: skip
        named.append((row, key))
    return named


def outputs_folder(out: Path | None) -> Path:
    """Where predictions that are files (masks, pictures, audio) go: beside --out."""
    return out.with_name(out.stem + "_files") if out is not None else Path("predictions_files")


def output_stem(path: Path, number: int | None = None) -> str:
    """The name of a file a prediction writes: its input's, its row's number, and a digest of
    the input's path (inputs of one name in two folders get two files, not one overwritten)."""
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    return path.stem + ("" if number is None else f"_{number}") + f"_{digest}"


def write_rows(rows: list[dict], out: Path | None) -> None:
    """JSONL (an object per prediction) or CSV (nested values as JSON), written whole; a
    tab-separated line per prediction on stdout without --out."""
    if out is None:
        for row in rows:
            print(*(v if isinstance(v, str) else json.dumps(v) for v in row.values()), sep="\t")
        return
    if out.suffix not in LISTS:
        raise ValueError(f"--out {out}: name a .jsonl or .csv file")
    tmp = out.with_name(out.name + ".tmp")
    if out.suffix == ".csv":
        columns = list(dict.fromkeys(key for row in rows for key in row))
        flat = [{k: v if isinstance(v, str | int | float) else json.dumps(v) for k, v in row.items()}
                for row in rows]  # fmt: skip
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(flat)
    else:
        tmp.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    tmp.replace(out)


def run_predictions(
    args: argparse.Namespace,
    load: Callable[[argparse.Namespace], dict],
    predict: Callable[[dict, list[Path], Path], list[dict]],
    suffixes: tuple[str, ...],
) -> int:
    """infer.py's main: load the model once, predict the inputs in batches, write the rows.
    Bad input is one line on stderr and exit status 2, with nothing written."""
    try:
        if not args.inputs:
            raise ValueError(f"name the inputs to predict ({'/'.join(suffixes)} files, folders "
                             "or globs)")  # fmt: skip
        if args.batch_size < 1:
            raise ValueError(f"--batch-size {args.batch_size}: give at least 1")
        files = input_files(args.inputs, suffixes)
        loaded = load(args)
        rows: list[dict] = []
        for start in range(0, len(files), args.batch_size):
            rows += predict(
                loaded, files[start : start + args.batch_size], outputs_folder(args.out)
            )
        write_rows(rows, args.out)
    except (FileNotFoundError, KeyError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.out is not None:
        print(f"wrote {len(rows)} predictions to {args.out}", file=sys.stderr)
    return 0
