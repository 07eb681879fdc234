"""`metagen index` and `metagen search`: a trained contrastive run's embeddings of a folder
of pictures or a JSONL of image-caption pairs in a FAISS index, and the nearest items to a
text or a picture."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from metagen.cli import UsageError, app, err, fail, guarded, labelled, out
from metagen.picture_inputs import IMAGE_SUFFIXES, pictures_of


def _items(data: Path) -> list[dict]:
    """What to index: each picture of a folder (sorted), or each line of a JSONL of
    {"image", "caption"} pairs."""
    from metagen.data.image_captions import read_caption_jsonl

    if data.is_dir():
        pictures = pictures_of([str(data)])
        return [{"id": i, "path": str(p.resolve())} for i, p in enumerate(pictures)]
    if data.suffix != ".jsonl":
        raise ValueError(f"{data}: pass a folder of pictures or a .jsonl of image-caption pairs")
    pairs = read_caption_jsonl(data)
    return [
        {"id": i, "path": str(Path(p).resolve()), "caption": c} for i, (p, c) in enumerate(pairs)
    ]


def distinct_captions(items: list[dict]) -> list[dict]:
    """One row per distinct caption, in first-seen order, naming every picture it describes:
    a caption repeated would fill the nearest k with copies of itself."""
    rows: dict[str, dict] = {}
    for item in items:
        row = rows.setdefault(item["caption"], {"id": len(rows), "caption": item["caption"],
                                                "pictures": []})  # fmt: skip
        row["pictures"].append(item["path"])
    return list(rows.values())


def _encoders(run_dir: Path, scale: str | None):
    from metagen.report.run_record import trained_scale
    from metagen.search.embed import Encoders

    chosen = trained_scale(run_dir, scale)
    try:
        return Encoders(run_dir, chosen), chosen
    except ValueError as error:
        raise UsageError(str(error)) from None


@app.command()
def index(
    run_dir: Annotated[Path, typer.Argument(help="A trained contrastive (CLIP-style) run.")],
    data: Annotated[
        Path, typer.Option(help="A folder of pictures, or a .jsonl of image-caption pairs.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="A new folder for the index.")],
    scale: Annotated[
        str | None, typer.Option(help="full or smoke (default: the last trained).")
    ] = None,
    embed: Annotated[
        str, typer.Option(help="pictures, or captions (of a .jsonl) with the text encoder.")
    ] = "pictures",
) -> None:
    """Embed pictures with a trained run's image encoder (or a JSONL's captions with its text
    encoder) into a FAISS index (exact up to 100,000 items, HNSW beyond), with what each row
    is."""
    from metagen.search.vector_index import build_index, save_index

    if not data.exists():
        fail(f"--data {data}: no such file or folder.")
    if out_dir.exists():
        fail(f"--out {out_dir} exists; pass a new folder.")
    if embed not in ("pictures", "captions"):
        fail(f"--embed {embed!r}: use pictures or captions.")
    if embed == "captions" and data.suffix != ".jsonl":
        fail(f"--embed captions reads a .jsonl of image-caption pairs, not {data}.")
    encoders, chosen = guarded(lambda: _encoders(run_dir, scale))

    def write() -> tuple[Path, int]:
        try:
            items = _items(data)
            if embed == "captions":
                items = distinct_captions(items)
                vectors = encoders.texts([item["caption"] for item in items])
            else:
                vectors = encoders.images([Path(item["path"]) for item in items])
            about = {
                "run_dir": str(run_dir.resolve()),
                "scale": chosen,
                "dim": int(vectors.shape[1]),
                "embedded": embed,
            }
            return save_index(build_index(vectors), items, about, out_dir), len(items)
        except (ValueError, OSError) as error:
            raise UsageError(f"cannot index {data}: {error}") from None

    folder, count = guarded(write)
    err.print(labelled("wrote", "green", f"{folder} ({count} {embed})"))


@app.command()
def search(
    index_dir: Annotated[Path, typer.Argument(help="A folder written by `metagen index`.")],
    query: Annotated[str, typer.Option(help="A text, or the path of a picture.")],
    k: Annotated[int, typer.Option("-k", help="How many items to return.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """The k items of an index nearest a text or a picture (cosine), best first."""
    from metagen.search.vector_index import load_index
    from metagen.search.vector_index import search as nearest

    if k < 1:
        fail(f"-k {k}: ask for one item or more.")

    def load():
        try:
            return load_index(index_dir)
        except ValueError as error:
            raise UsageError(str(error)) from None

    found_index, record = guarded(load)
    encoders, _ = guarded(lambda: _encoders(Path(record["run_dir"]), record["scale"]))
    picture = Path(query)

    def embed():
        try:
            if picture.suffix.lower() in IMAGE_SUFFIXES and picture.is_file():
                return encoders.images([picture])[0]
            return encoders.texts([query])[0]
        except ValueError as error:
            raise UsageError(str(error)) from None

    results = nearest(found_index, record, guarded(embed), min(k, record["count"]))
    if as_json:
        sys.stdout.write(json.dumps(results, indent=1) + "\n")
        return
    for result in results:
        caption = f"  {result['caption']!r}" if "caption" in result else ""
        where = result.get("path") or f"{len(result['pictures'])} picture(s)"
        out.print(f"{result['rank']:>3}  {result['score']:.4f}  {where}{caption}")
