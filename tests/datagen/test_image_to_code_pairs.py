"""`metagen data image-to-code` (issue 14's data: UI mockups, flowcharts, charts and code
screenshots): every image is a rendering of the code it is paired with (re-rendered here and
compared pixel for pixel), the same seed writes the same bytes, test samples hold template
combinations that no training sample has, a flowchart draws its function's tests, returns and
loops, a screenshot's code does what its description says, and bad requests exit 2 leaving
nothing behind."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFont
from tests.cli.helpers import invoke

from metagen.datagen.image_to_code import flowchart as fc
from metagen.datagen.image_to_code.charts import COLORS as CHART_COLORS
from metagen.datagen.image_to_code.charts import TEMPLATES as CHART_TEMPLATES
from metagen.datagen.image_to_code.charts import render_charts
from metagen.datagen.image_to_code.code_shots import (
    CANVAS,
    CHAR_WIDTH,
    LINE_HEIGHT,
    MARGIN,
    NAMES,
    OPERATIONS,
    TEMPLATES,
    snippet,
)
from metagen.datagen.image_to_code.flowchart import COMPARISONS, flowchart_rows
from metagen.datagen.image_to_code.flowchart import TEMPLATES as FLOW_TEMPLATES
from metagen.datagen.image_to_code.pairs import (
    combination_split,
    render_samples,
    write_pairs,
)
from metagen.datagen.image_to_code.ui import COLORS, KINDS, parse_page, render_page

N = 60


def _lines(root: Path, split: str) -> list[dict]:
    return [json.loads(x) for x in (root / f"{split}.jsonl").read_text().splitlines()]


def _snippet_of(code: str) -> tuple[str, str]:
    """(template, operation) of a screenshot's code, read back from its text."""
    template = "filtered" if "if x > 0" in code else "squares" if "x = x * x" in code else "loop"
    operation = next(op for op, (combine, _, _) in OPERATIONS.items() if combine in code)
    return template, operation


def _pairs_on(code: str) -> set[tuple[str, str]]:
    """(kind, colour name) of each component, read back from the HTML."""
    by_hex = {hex_: name for name, hex_ in COLORS.items()}
    found = set()
    for node in parse_page(code).children[0].children:
        kind = {"button": "button", "input": "input", "div": "card"}[node.tag]
        color = node.style["border"].split()[-1] if kind == "input" else node.style["background"]
        found.add((kind, by_hex[color]))
    return found


# slow: renders and re-renders every kind; the charts and screenshots checks stay default
@pytest.mark.slow
def test_every_image_is_a_rendering_of_its_code(tmp_path) -> None:
    sizes = write_pairs(tmp_path / "d", N, seed=3)
    assert sizes == {"train": 48, "val": 6, "test": 6}
    for split, count in sizes.items():
        lines = _lines(tmp_path / "d", split)
        assert len(lines) == count
        assert {x["kind"] for x in lines} == {"ui", "flowchart", "chart", "code"}
        for line, picture in zip(lines, render_samples(lines), strict=True):
            saved = np.asarray(Image.open(tmp_path / "d" / line["image"]).convert("RGB"))
            assert np.array_equal(saved, np.asarray(picture))


# slow: renders every kind of pair twice
@pytest.mark.slow
def test_the_same_seed_writes_the_same_bytes(tmp_path) -> None:
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        write_pairs(tmp_path / name, 24, seed=seed)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert len(files) == 24 + 3
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    assert (tmp_path / "a" / "train.jsonl").read_text() != (
        tmp_path / "c" / "train.jsonl"
    ).read_text()


def test_test_pages_hold_combinations_never_seen_in_training(tmp_path) -> None:
    write_pairs(tmp_path / "d", 400, seed=0, kinds=("ui", "code"))  # the others: below
    lines = {split: _lines(tmp_path / "d", split) for split in ("train", "val", "test")}
    pages = {split: [x["code"] for x in got if x["kind"] == "ui"] for split, got in lines.items()}
    seen = {split: set().union(*map(_pairs_on, codes)) for split, codes in pages.items()}
    held = {(k, c) for k in KINDS for c in COLORS if combination_split("ui", k, c) == "test"}
    assert held and not held & seen["train"] and not held & seen["val"]
    assert all(_pairs_on(code) & held for code in pages["test"])  # each has a held-out pair
    snippets = {split: {_snippet_of(x["code"]) for x in got if x["kind"] == "code"}
                for split, got in lines.items()}  # fmt: skip
    held_snippets = {
        (t, o) for t in TEMPLATES for o in OPERATIONS if combination_split("code", t, o) == "test"
    }
    assert snippets["test"] and snippets["test"] <= held_snippets
    assert not held_snippets & (snippets["train"] | snippets["val"])


def _flowchart_of(code: str) -> tuple[str, str]:
    """(template, comparison) of a flowchart's function, read back from its text."""
    template = "loop" if "while" in code else "chain" if "elif" in code else "branch"
    test = code.split("if " if template != "loop" else "while ")[1].split(":")[0]
    return template, test.split()[1]


def test_flowcharts_draw_their_functions_and_hold_out_combinations(tmp_path) -> None:
    write_pairs(tmp_path / "d", 300, seed=4, kinds=("flowchart",))
    seen = {}
    for split in ("train", "val", "test"):
        lines = _lines(tmp_path / "d", split)
        seen[split] = {_flowchart_of(x["code"]) for x in lines}
        for line in lines:
            code, rows = line["code"], flowchart_rows(line["code"])
            shapes = [shape for _, shape, _, _ in rows]
            assert shapes.count("diamond") == code.count("if ") + code.count("while ")
            assert shapes.count("oval") == 1 + code.count("return")
            assert any(back is not None for *_, back in rows) == ("while" in code)
            assert [x for x, _ in line["checks"]] == [-2, 0, 3, 5, 8, 11]
            for index, (depth, _, text, _) in enumerate(rows):  # every shape on the canvas
                assert fc.LEFT + depth * fc.INDENT + fc.CHAR_WIDTH * len(text) + 10 < fc.CANVAS[0]
                assert 4 + index * fc.ROW + fc.SHAPE_HEIGHT < fc.CANVAS[1]
    held = {
        (t, c)
        for t in FLOW_TEMPLATES
        for c in COMPARISONS
        if combination_split("flowchart", t, c) == "test"
    }
    assert seen["test"] and seen["test"] <= held and not held & (seen["train"] | seen["val"])


def test_charts_draw_their_facts_and_hold_out_combinations(tmp_path) -> None:
    write_pairs(tmp_path / "d", 120, seed=6, kinds=("chart",))
    seen = {}
    for split in ("train", "val", "test"):
        lines = _lines(tmp_path / "d", split)
        seen[split] = {(x["chart"]["template"], x["chart"]["color"]) for x in lines}
        for line in lines:  # the script's own literals are the facts stated beside it
            assigned = {node.targets[0].id: ast.literal_eval(node.value)
                        for node in ast.parse(line["code"]).body
                        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                        and isinstance(node.value, ast.List)}  # fmt: skip
            assert assigned == {
                "labels": line["chart"]["labels"],
                "values": line["chart"]["values"],
            }
            assert ("ax.bar(" in line["code"]) == (line["chart"]["template"] == "bar")
    held = {
        (t, c)
        for t in CHART_TEMPLATES
        for c in CHART_COLORS
        if combination_split("chart", t, c) == "test"
    }
    assert seen["test"] and seen["test"] <= held and not held & (seen["train"] | seen["val"])


def test_a_failing_chart_script_is_an_error_from_its_child() -> None:
    with pytest.raises(RuntimeError, match="a chart script failed: .*ZeroDivisionError"):
        render_charts(["1 / 0\n"])


def test_every_snippet_fits_its_screenshot() -> None:
    codes = [snippet(t, o, name)[0].splitlines() for t in TEMPLATES for o in OPERATIONS
             for name in NAMES]  # fmt: skip
    widest = max(len(line) for lines in codes for line in lines)
    assert 2 * MARGIN + CHAR_WIDTH * widest <= CANVAS[0]
    assert 2 * MARGIN + LINE_HEIGHT * max(map(len, codes)) <= CANVAS[1]
    assert ImageFont.load_default_imagefont().getbbox("x" * 10)[2] == 10 * CHAR_WIDTH


def test_a_screenshots_code_does_what_its_description_says(tmp_path) -> None:
    write_pairs(tmp_path / "d", 40, seed=5)
    shots = [x for split in ("train", "test") for x in _lines(tmp_path / "d", split)
             if x["kind"] == "code"]  # fmt: skip
    values = [3, -2, 5]
    for shot in shots:
        namespace: dict = {}
        exec(compile(shot["code"], "<snippet>", "exec"), namespace)  # our own template's code
        (function,) = [v for k, v in namespace.items() if k.endswith("_of")]
        kept = [v for v in values if v > 0] if "positive" in shot["description"] else values
        kept = [v * v for v in kept] if "squares" in shot["description"] else kept
        expected = {"sum": sum, "product": np.prod, "largest": max, "smallest": min}[
            shot["description"].split()[2]](kept)  # fmt: skip
        assert function(values) == expected, shot


def test_the_renderer_draws_what_the_html_says() -> None:
    """A button's fill and a card's colour come from the code, at the stated layout."""
    code = ('<div style="background:#ffffff;padding:12px">'
            '<button style="background:#dc2626;color:#ffffff;padding:6px 12px">Save</button>'
            '<div class="card" style="background:#16a34a;padding:4px 8px">Hi</div></div>')  # fmt: skip
    pixels = np.asarray(render_page(code))
    assert tuple(pixels[14, 14]) == (0xDC, 0x26, 0x26)  # inside the button, above its text
    assert tuple(pixels[12 + 24 + 8 + 2, 180 - 14]) == (0x16, 0xA3, 0x4A)  # the card spans
    assert tuple(pixels[2, 2]) == (255, 255, 255)


def test_bad_requests_exit_2_and_leave_nothing(tmp_path) -> None:
    for args, says in ((["--n", "2"], "too few"), (["--kinds", "ui,audio"], "not built yet"),
                       (["--kinds", " , "], "names no kind"),
                       (["--seed", "-1"], "out of range")):  # fmt: skip
        result = invoke("data", "image-to-code", "--out", tmp_path / "x", *args)
        assert result.exit_code == 2 and says in result.output, result.output
        assert not (tmp_path / "x").exists()
    assert invoke("data", "image-to-code", "--out", tmp_path / "y", "--n", "5").exit_code == 0
    again = invoke("data", "image-to-code", "--out", tmp_path / "y", "--n", "5")
    assert again.exit_code == 2 and "exists" in again.output


def test_a_vlm_reads_the_pairs_as_they_are(tmp_path) -> None:
    """`caption` is what a model should write: a VLM's data loader takes the folder."""
    from tests.paths import EXAMPLES

    from metagen.planning import make_blueprint
    from metagen.spec import load_spec
    from metagen.tasks.runtime import build_datasets

    write_pairs(tmp_path / "d", 24, seed=7, kinds=("ui", "code"))
    lines = _lines(tmp_path / "d", "val")
    assert [x["caption"] for x in lines] == [
        x["description"] if x["kind"] == "code" else x["code"] for x in lines
    ]
    cfg = make_blueprint(load_spec(EXAMPLES / "multimodal" / "small_vlm.yaml")).scales["smoke"].data
    train, val, info = build_datasets("vlm", cfg, str(tmp_path / "d"), 0)
    assert (len(train), len(val)) == (20, 2) and info["num_val"] == 2
    assert val[0]["images"].shape[-2:] == (32, 32)
