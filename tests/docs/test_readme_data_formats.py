"""Every data-format example in the README is read by its task's own reader, and reads as the
README says: so the documented formats cannot drift from the code.

An example is written in the README's "Data formats" section as hidden comments and fenced
blocks (the comments do not show on GitHub):

    <!-- data-example NAME: spec=FOLDER/SPEC data=PATH expect: KEY=VALUE; KEY=VALUE -->
    <!-- data-file NAME: RELATIVE/PATH -->
    ```csv
    ...the file's text...
    ```

- `data-example` says which example spec (`examples/specs/FOLDER/SPEC.yaml`) plans the
  model, which path the reader is given (`data=`, relative to the example's folder), and
  what it must read (`expect:`).
- `data-file NAME: PATH` writes the fenced block that follows it to PATH; `data-file NAME:
  spec` merges the block (YAML) into the example spec, a `data:` section say; `data-file
  NAME: layout` lists files to create, one path per line, with content made up by their
  suffix (see `made_up_file`): pictures, masks, WAV clips, `.npy` video clips.

The reader is the one `train.py` calls: the task's dataset builder (`build_datasets`) on the
planned smoke scale's data config (which holds the spec's `data` section), with seed 0.
Expectations: `rows` is the size of the training and held-out sets together, `train` and
`val` each's; any other key is compared with the reader's info (data_info.json), a list
written as `a|b|c`. A new example needs nothing here: the README's comments and blocks are
all.
"""

from __future__ import annotations

import re
import wave
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import yaml
from tests.paths import EXAMPLES, REPO

from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text
from metagen.tasks.runtime import build_datasets

README = REPO / "README.md"
SECTION = "## Data formats"
# A hidden marker, then (for data-file) the fenced block right after it.
MARKER = re.compile(r"<!-- data-(example|file) ([\w-]+): (.*?) -->\n(?:```\w*\n(.*?)\n```)?", re.S)
PICTURE_SIZE = (64, 48)  # width, height of every made-up picture, as the COCO example says


@dataclass
class Example:
    name: str
    spec: str = ""
    data: str = ""
    expect: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # path -> text
    layout: list[str] = field(default_factory=list)  # made-up files
    spec_patch: dict = field(default_factory=dict)


def readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end != -1 else None]


def _check_line(example: Example, line: str) -> None:
    words, _, expect = line.partition(" expect: ")
    settings = dict(word.split("=", 1) for word in words.split())
    example.spec, example.data = settings["spec"], settings["data"]
    for item in filter(None, (part.strip() for part in expect.split(";"))):
        key, value = item.split("=", 1)
        example.expect[key.strip()] = value.strip()


def readme_examples(section: str) -> dict[str, Example]:
    examples: dict[str, Example] = {}
    for kind, name, what, block in MARKER.findall(section):
        example = examples.setdefault(name, Example(name))
        if kind == "example":
            _check_line(example, what)
        elif what == "spec":
            example.spec_patch = yaml.safe_load(block)
        elif what == "layout":
            example.layout += [line.strip() for line in block.splitlines() if line.strip()]
        else:
            example.files[what.strip()] = block + "\n"
    return examples


EXAMPLES_IN_README = readme_examples(readme_section())


def merged(base: dict, patch: dict) -> dict:
    out = dict(base)
    for key, value in patch.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = merged(out[key], value) if both else value
    return out


def made_up_file(path: Path) -> None:
    """A small file of the kind its suffix names: a picture (a mask under masks/ or
    instances/: ids 0 and 1), a one-second 8 kHz tone, or a video clip as a .npy array."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(zlib.crc32(path.name.encode()))
    width, height = PICTURE_SIZE
    suffix = path.suffix.lower()
    if suffix in (".png", ".jpg", ".jpeg"):
        from PIL import Image

        if path.parent.name in ("masks", "instances"):
            ids = np.zeros((height, width), np.uint8)
            ids[:, width // 2 :] = 1
            Image.fromarray(ids, mode="L").save(path)
        else:
            pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(path)
    elif suffix == ".wav":
        rate = 8000
        tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(rate) / rate)
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes((tone * 32767).astype("<i2").tobytes())
    elif suffix == ".npy":
        np.save(path, rng.integers(0, 256, (8, 24, 24, 3), dtype=np.uint8))
    else:
        raise AssertionError(f"no made-up content for {path.name}: give it in a data-file block")


def shown(value) -> str:
    """An info value as the README writes it: a list as a|b|c."""
    if isinstance(value, list | tuple):
        return "|".join(map(str, value))
    return str(value)


def test_markers_and_blocks_make_an_example():
    section = (
        "<!-- data-example rows: spec=tabular/tabular_classifier data=d/x.csv expect: rows=2; "
        "class_names=a|b -->\n<!-- data-file rows: spec -->\n```yaml\ndata: {label: y}\n```\n"
        "<!-- data-file rows: d/x.csv -->\n```csv\nf,y\n1,a\n```\n"
        "<!-- data-file rows: layout -->\n```text\nd/p.png\n  d/q.wav\n```\n"
    )
    (example,) = readme_examples(section).values()
    assert (example.spec, example.data) == ("tabular/tabular_classifier", "d/x.csv")
    assert example.expect == {"rows": "2", "class_names": "a|b"}
    assert example.spec_patch == {"data": {"label": "y"}}
    assert example.files == {"d/x.csv": "f,y\n1,a\n"} and example.layout == ["d/p.png", "d/q.wav"]


def test_the_sections_data_block_is_a_valid_data_section():
    block = re.search(r"```yaml\n(data:\n.*?)```", readme_section(), re.S)
    assert block is not None, "the section opens with a yaml block of a data section"
    spec = yaml.safe_load((EXAMPLES / "tabular" / "tabular_classifier.yaml").read_text())
    spec |= yaml.safe_load(block.group(1))
    data = parse_spec_text(yaml.safe_dump(spec)).data
    assert data is not None and data.config()["label_column"] == "species"


def test_the_readme_has_examples_and_each_is_complete():
    assert len(EXAMPLES_IN_README) >= 10, sorted(EXAMPLES_IN_README)
    for example in EXAMPLES_IN_README.values():
        assert example.spec and example.data, f"{example.name}: no data-example line"
        assert example.expect, f"{example.name}: expects nothing"
        assert example.files or example.layout, f"{example.name}: no file"
        assert (EXAMPLES / f"{example.spec}.yaml").is_file(), f"{example.name}: {example.spec}"


@pytest.mark.parametrize("name", sorted(EXAMPLES_IN_README))
def test_a_readme_example_reads_as_documented(name, tmp_path):
    example = EXAMPLES_IN_README[name]
    for relative in example.layout:
        made_up_file(tmp_path / relative)
    for relative, text in example.files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    spec_file = EXAMPLES / f"{example.spec}.yaml"
    spec = merged(yaml.safe_load(spec_file.read_text(encoding="utf-8")), example.spec_patch)
    bp = make_blueprint(parse_spec_text(yaml.safe_dump(spec), source=str(spec_file)))
    source = tmp_path / example.data
    train, val, info = build_datasets(bp.task, dict(bp.scales["smoke"].data), str(source), 0)
    sizes = {"train": len(train), "val": len(val), "rows": len(train) + len(val)}
    for key, want in example.expect.items():
        got = sizes[key] if key in sizes else info.get(key)
        if key == "source":
            got = Path(str(got)).name
        assert shown(got) == want, f"README example {name}: {key} is {got!r}, not {want!r}"
