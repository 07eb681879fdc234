"""`metagen data image-to-code`: a folder of image/code pairs, each image rendered from the
code it is paired with.

    OUT/train.jsonl, val.jsonl, test.jsonl   {"image": "images/test/00003.png", "code": ...,
                                              "kind": "ui", "prompt": ..., "caption": ...}
    OUT/images/<split>/<index>.png

Kinds: "ui" (a mockup from its HTML/CSS: ui.py), "flowchart" (a function's control flow,
with "checks", inputs and the outputs the function gives: flowchart.py), "chart" (a bar or
line chart from its matplotlib script, with "chart", what it draws: charts.py) and "code" (a
screenshot of a Python function, with "description", a one-line summary, and "theme":
code_shots.py). Splits are held out by template parameters, not only by seed: some (component
kind, colour), (flowchart template, comparison), (chart template, colour) and (snippet
template, operation) pairs appear only in test samples and others only in val samples, so
that the test set holds combinations never seen in training. "caption" is the text a model
should write for the picture (the code; a screenshot's description), so that a VLM spec trains
on the folder as it is (`metagen train SPEC --data OUT`). The same n and seed
give the same files, byte for byte. The folder is written whole or not at all.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from metagen.datagen.image_to_code.charts import COLORS as CHART_COLORS
from metagen.datagen.image_to_code.charts import TEMPLATES as CHART_TEMPLATES
from metagen.datagen.image_to_code.charts import random_chart, render_charts
from metagen.datagen.image_to_code.code_shots import (
    OPERATIONS,
    TEMPLATES,
    random_snippet,
    render_code,
)
from metagen.datagen.image_to_code.flowchart import (
    COMPARISONS,
    random_function,
    render_flowchart,
)
from metagen.datagen.image_to_code.flowchart import TEMPLATES as FLOW_TEMPLATES
from metagen.datagen.image_to_code.ui import COLORS, KINDS, random_page, render_page

KINDS_BUILT = ("ui", "flowchart", "chart", "code")
PROMPTS = {
    "ui": "Write the HTML and CSS of this mockup.",
    "flowchart": "Write the Python function this flowchart draws.",
    "chart": "Write the matplotlib script that draws this chart.",
    "code": "Describe this code.",
}
CHECK_INPUTS = (-2, 0, 3, 5, 8, 11)  # a flowchart's function is checked on these
SPLIT_SHARES = (("train", 0.8), ("val", 0.1), ("test", 0.1))


# Per kind: the two template parameters whose combinations are held out, and the period: by
# the sum of their places, one combination in `period` is test's, the next val's.
HELD_OUT = {
    "ui": (KINDS, tuple(COLORS), 6),
    "flowchart": (FLOW_TEMPLATES, COMPARISONS, 4),
    "chart": (CHART_TEMPLATES, tuple(CHART_COLORS), 6),
    "code": (TEMPLATES, tuple(OPERATIONS), 4),
}


def combination_split(kind: str, first: str, second: str) -> str:
    """The split a kind's (first, second) template combination belongs to."""
    firsts, seconds, period = HELD_OUT[kind]
    slot = (firsts.index(first) + seconds.index(second)) % period
    return {0: "test", 1: "val"}.get(slot, "train")


def combinations(kind: str, split: str) -> list[tuple[str, str]]:
    firsts, seconds, _ = HELD_OUT[kind]
    return [(a, b) for a in firsts for b in seconds if combination_split(kind, a, b) == split]


def code_sample(rng: random.Random, split: str) -> dict:
    code, description, theme = random_snippet(rng, *rng.choice(combinations("code", split)))
    return {"code": code, "description": description, "theme": theme}


def flowchart_sample(rng: random.Random, split: str) -> dict:
    code = random_function(rng, *rng.choice(combinations("flowchart", split)))
    namespace: dict = {}
    exec(compile(code, "<flowchart>", "exec"), namespace)  # our own template, not a model's
    (function,) = [v for k, v in namespace.items() if not k.startswith("__")]
    return {"code": code, "checks": [[x, function(x)] for x in CHECK_INPUTS]}


def chart_sample(rng: random.Random, split: str) -> dict:
    code, facts = random_chart(rng, *rng.choice(combinations("chart", split)))
    return {"code": code, "chart": facts}


def ui_sample(rng: random.Random, split: str) -> dict:
    return {"code": ui_page(rng, split)}


SAMPLE_MAKERS = {"ui": ui_sample, "flowchart": flowchart_sample, "chart": chart_sample,
                 "code": code_sample}  # fmt: skip


def render_samples(lines: list[dict]) -> list:
    """The picture of each written sample, from its code (and a screenshot's theme); the
    charts' scripts run together in one child process."""
    charts = [i for i, line in enumerate(lines) if line["kind"] == "chart"]
    drawn = dict(zip(charts, render_charts([lines[i]["code"] for i in charts]), strict=True))
    pictures = []
    for index, line in enumerate(lines):
        if line["kind"] == "chart":
            pictures.append(drawn[index])
        elif line["kind"] == "code":
            pictures.append(render_code(line["code"], line["theme"]))
        elif line["kind"] == "flowchart":
            pictures.append(render_flowchart(line["code"]))
        else:
            pictures.append(render_page(line["code"]))
    return pictures


def ui_page(rng: random.Random, split: str) -> str:
    """A page for `split`: train pages use train pairs only; a val or test page leads with
    one of its split's pairs, and the rest are train pairs."""
    size = rng.randint(1, 3)
    chosen = [rng.choice(combinations("ui", "train")) for _ in range(size)]
    if split != "train":
        chosen[0] = rng.choice(combinations("ui", split))
    return random_page(rng, [k for k, _ in chosen], [c for _, c in chosen])


def split_sizes(n: int) -> dict[str, int]:
    """How many of n pairs each split gets; val and test have one at least."""
    val = max(1, round(n * SPLIT_SHARES[1][1]))
    test = max(1, round(n * SPLIT_SHARES[2][1]))
    if n - val - test < 1:
        raise ValueError(f"--n {n} is too few for train, val and test splits; use 3 or more")
    return {"train": n - val - test, "val": val, "test": test}


def split_lines(split: str, count: int, seed: int, kinds: tuple[str, ...]) -> list[dict]:
    """The `count` samples of `split`, drawn from their own seeded generator."""
    rng = random.Random(f"{seed}-{split}")
    lines = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        sample = SAMPLE_MAKERS[kind](rng, split)
        line = {"image": f"images/{split}/{index:05d}.png", "kind": kind, **sample,
                "prompt": PROMPTS[kind]}  # fmt: skip
        # the text a model writes for the picture, under the key the VLM reads
        line["caption"] = line["description"] if kind == "code" else line["code"]
        lines.append(line)
    return lines


def write_pairs(out: Path, n: int, seed: int, kinds: tuple[str, ...] = KINDS_BUILT) -> dict:
    """Write the dataset to `out` (which must not exist yet); the counts per split."""
    unbuilt = [k for k in kinds if k not in KINDS_BUILT]
    if unbuilt:
        raise ValueError(f"{', '.join(unbuilt)} pairs are not built yet (built: "
                         f"{', '.join(KINDS_BUILT)}); leave them out of --kinds")  # fmt: skip
    if out.exists():
        raise FileExistsError(f"{out} exists; pass a new folder to --out")
    sizes = split_sizes(n)
    tmp = out.with_name(f".{out.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        lines_of = {split: split_lines(split, count, seed, kinds) for split, count in sizes.items()}
        every = [line for lines in lines_of.values() for line in lines]
        for split, lines in lines_of.items():  # drawn all at once: the charts' children share
            (tmp / "images" / split).mkdir(parents=True)
            text = "\n".join(json.dumps(line) for line in lines) + "\n"
            (tmp / f"{split}.jsonl").write_text(text, encoding="utf-8")
        for line, picture in zip(every, render_samples(every), strict=True):
            picture.save(tmp / line["image"], optimize=False)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sizes


def write_synthetic_pairs(out: Path, data_cfg: dict, seed: int) -> None:
    """The image_to_code task's built-in data (its row's writes_synthetic): the scale's
    `num_pairs` pairs of every kind."""
    write_pairs(out, int(data_cfg["num_pairs"]), seed)
