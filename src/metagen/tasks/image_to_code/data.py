"""Image/code pairs for image_to_code: a folder that `metagen data image-to-code` writes
(train.jsonl, val.jsonl, test.jsonl and images/), or the user's own JSONL of
{"image": path, "code": text} lines. Each sample is the picture, the code as next-token byte
ids, and the reference the evaluator checks written code against (its kind, and a
flowchart's checks or a chart's facts), with the code of two baselines that never look at
the picture: the most common training code, and the most common of the picture's kind."""

import collections
import json
from pathlib import Path

from torch.utils.data import Dataset, default_collate

from metagen.data.image_captions import CaptionedImages, ImageCaptionFile, caption_info
from metagen.data.image_folder import split_indices

CODE_LINE_EXAMPLE = '{"image": "images/0001.png", "code": "<div>...</div>", "kind": "ui"}'
# What a chart line's facts hold for its check (evaluate/code_checks.py chart_compare).
CHART_FACT_KEYS = {"template", "labels", "values", "title"}
CODE_HELD_OUT_FILES = ("val.jsonl", "test.jsonl")


def _code_error(path: Path, number: int, problem: str) -> ValueError:
    return ValueError(
        f"{path}, line {number}: {problem}. Each line must be one JSON object like "
        f"{CODE_LINE_EXAMPLE} (`metagen data image-to-code` writes such files)."
    )


def _code_record(path: Path, number: int, line: str) -> dict:
    """One line as a record: the image's path, the text to write ("caption" if the line has
    one, else "code"), its kind and the reference facts of that kind."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise _code_error(path, number, f"not valid JSON ({err.msg})") from None
    if not isinstance(record, dict):
        raise _code_error(path, number, f"expected an object, got {type(record).__name__}")
    image = record.get("image")
    if not isinstance(image, str) or not image.strip():
        raise _code_error(path, number, f'"image" must be a file path, got {image!r}')
    target = record.get("caption", record.get("code"))
    if not isinstance(target, str) or not target.strip():
        raise _code_error(path, number, 'it needs "code" (or "caption"), non-empty text')
    kind = record.get("kind", "code")
    chart, checks = record.get("chart"), record.get("checks")
    if kind == "chart" and not (isinstance(chart, dict) and CHART_FACT_KEYS <= set(chart)):
        raise _code_error(path, number, 'a chart line needs "chart": {"template": "bar" or '
                          '"line", "labels": [...], "values": [...], "title": ...}')  # fmt: skip
    pairs = isinstance(checks, list) and all(isinstance(c, list) and len(c) == 2 for c in checks)
    if kind == "flowchart" and not (pairs and checks):
        raise _code_error(path, number, 'a flowchart line needs "checks": [[input, output], ...]')
    image_path = Path(image) if Path(image).is_absolute() else path.parent / image
    if not image_path.is_file():
        raise FileNotFoundError(
            f"{path}, line {number}: image {image_path} does not exist "
            f"(relative paths are read from {path.parent})."
        )
    facts = {k: record[k] for k in ("checks", "chart") if k in record}
    return {"image": image_path, "target": target, "kind": str(kind), **facts}


def read_code_pairs(path) -> list[dict]:
    """The records of a JSONL file of image/code pairs; every error names the file, the line
    and the fix."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"pair file {path} does not exist; pass a folder that `metagen data image-to-code` "
            f"wrote, or a .jsonl file with one {CODE_LINE_EXAMPLE} object per line."
        )
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{path} is not UTF-8 text (byte {err.start}); save it as UTF-8."
        ) from None
    records = [_code_record(path, n, line) for n, line in enumerate(lines, 1) if line.strip()]
    if not records:
        raise ValueError(f"pair file {path} holds no pairs; add lines like {CODE_LINE_EXAMPLE}.")
    return records


def code_pair_splits(cfg: dict, source: str, seed: int) -> tuple[list[dict], list[dict]]:
    """(train, held-out) records: a folder's train.jsonl and val.jsonl (or test.jsonl); its
    val.jsonl or test.jsonl named alone, whole, with the train.jsonl beside it; or one JSONL
    file split by val_fraction."""
    path = Path(source)
    if source == "synthetic":
        raise ValueError(
            "image_to_code trains on image/code pairs from a folder: write one with "
            "`metagen data image-to-code --out DIR` and pass --data DIR (`metagen train` "
            "writes one into the run for --data synthetic)."
        )
    if path.is_dir():
        held_out = [path / name for name in CODE_HELD_OUT_FILES if (path / name).is_file()]
        if not (path / "train.jsonl").is_file() or not held_out:
            raise FileNotFoundError(
                f"folder {path} needs train.jsonl and val.jsonl (or test.jsonl); "
                "`metagen data image-to-code --out DIR` writes them."
            )
        return read_code_pairs(path / "train.jsonl"), read_code_pairs(held_out[0])
    if path.name in CODE_HELD_OUT_FILES and (path.parent / "train.jsonl").is_file():
        # a held-out file beside its train.jsonl (evaluate.py --data DIR/test.jsonl): whole
        return read_code_pairs(path.parent / "train.jsonl"), read_code_pairs(path)
    records = read_code_pairs(path)
    train_idx, val_idx = split_indices(len(records), float(cfg["val_fraction"]), seed)
    return [records[i] for i in train_idx], [records[i] for i in val_idx]


def most_common_code(records: list[dict]) -> str:
    """The code most often written in `records` (the first seen, on a tie)."""
    return collections.Counter(r["target"] for r in records).most_common(1)[0][0]


def most_common_code_by_kind(records: list[dict]) -> dict[str, str]:
    """Per kind, the code most often written in `records`."""
    kinds = sorted({r["kind"] for r in records})
    return {k: most_common_code([r for r in records if r["kind"] == k]) for k in kinds}


class CodePairs(Dataset):
    """Items {"images", "input_ids", "targets", "reference"}: the reference is the record
    (kind, target, checks or chart facts) with the two baselines' code: "baseline", the most
    common training code, and "kind_baseline", the most common training code of the
    picture's kind (a baseline told the kind; None for a kind training never saw)."""

    def __init__(self, records: list[dict], baselines: tuple[str, dict], cfg: dict, source: str):
        self.pictures = ImageCaptionFile(
            [(r["image"], r["target"]) for r in records],
            int(cfg["image_size"]), int(cfg["channels"]), source,
        )  # fmt: skip
        self.tokens = CaptionedImages(self.pictures, int(cfg["seq_len"]), with_targets=True)
        overall, by_kind = baselines
        self.references = [
            {**{k: v for k, v in r.items() if k != "image"}, "baseline": overall,
             "kind_baseline": by_kind.get(r["kind"])}
            for r in records
        ]  # fmt: skip

    def __len__(self) -> int:
        return len(self.references)

    def __getitem__(self, index: int) -> dict:
        return {**self.tokens[index], "reference": self.references[index]}

    def collate(self, samples: list[dict]) -> dict:
        """Stacked tensors, and the references as a list."""
        batch = default_collate([{k: v for k, v in s.items() if k != "reference"} for s in samples])
        batch["reference"] = [s["reference"] for s in samples]
        return batch


def image_code_datasets(cfg: dict, source: str, seed: int):
    train_records, held_out_records = code_pair_splits(cfg, source, seed)
    baselines = most_common_code(train_records), most_common_code_by_kind(train_records)
    train = CodePairs(train_records, baselines, cfg, source)
    held_out = CodePairs(held_out_records, baselines, cfg, source)
    info = caption_info("image_to_code", cfg, source, train.pictures, held_out.pictures)
    info["kinds"] = dict(collections.Counter(r["kind"] for r in held_out_records))
    info["baseline_code"], info["kind_baseline_code"] = baselines
    return train, held_out, info
