"""Charts: a matplotlib script that draws a bar or line chart, paired with the picture it
draws. Each script comes from a template (bar or line) and a palette colour; the pairs that
pairs.py holds out are (template, colour) combinations.

The picture is made by running the script in evaluate/sandbox.py's child (render_charts): a
script is code, and MetaGen runs code only there. The scripts here are our own templates, so
one child runs a batch of them, each in a fresh namespace and folder."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import random
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from metagen.evaluate.sandbox import run_untrusted

TEMPLATES = ("bar", "line")
COLORS = {"blue": "#2563eb", "green": "#16a34a", "red": "#dc2626", "orange": "#ea580c",
          "purple": "#7c3aed", "teal": "#0d9488"}  # fmt: skip
CATEGORIES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TITLES = ("Sales", "Visits", "Errors", "Orders", "Signups")
FIGURE = "fig, ax = plt.subplots(figsize=(2.24, 1.6), dpi=100)"
SECONDS_PER_SCRIPT = 20  # the child's time limit grows with the batch


def chart_script(
    template: str, color: str, title: str, labels: list[str], values: list[int]
) -> str:
    draw = (
        "ax.bar(labels, values, " if template == "bar" else "ax.plot(labels, values, marker='o', "
    )
    return "\n".join([
        "import matplotlib",
        'matplotlib.use("Agg")',
        "import matplotlib.pyplot as plt",
        "",
        f"labels = {labels!r}",
        f"values = {values!r}",
        FIGURE,
        f"{draw}color={COLORS[color]!r})",
        f"ax.set_title({title!r})",
        "fig.tight_layout()",
        'fig.savefig("chart.png")',
    ]) + "\n"  # fmt: skip


def random_chart(rng: random.Random, template: str, color: str) -> tuple[str, dict]:
    """(script, what it draws: template, colour (name and hex), title, labels, values)."""
    count = rng.randint(3, 6)
    start = rng.randint(0, len(CATEGORIES) - count)
    labels = list(CATEGORIES[start : start + count])
    values = [rng.randint(1, 12) for _ in labels]
    title = rng.choice(TITLES)
    facts = {"template": template, "color": color, "hex": COLORS[color], "title": title,
             "labels": labels, "values": values}  # fmt: skip
    return chart_script(template, color, title, labels, values), facts


# Run in the sandbox: each script of the list in its own folder, its figures then closed.
CHART_CHILDREN = 2  # pairs are written before training starts: the cores are idle
_BATCH = """
import json, os
import matplotlib.pyplot as plt
for i, script in enumerate(json.loads(SCRIPTS)):
    os.makedirs(str(i))
    os.chdir(str(i))
    exec(compile(script, f"<chart {i}>", "exec"), {"__name__": "__main__"})
    plt.close("all")
    os.chdir("..")
"""


def render_charts(scripts: list[str]) -> list[Image.Image]:
    """The picture each script saves as chart.png, in order, run in sandboxed children
    (evaluate/sandbox.py), one per core up to CHART_CHILDREN, each drawing its share. A
    RuntimeError with the child's error if a script fails or a child runs out of time."""
    if not scripts:
        return []
    if importlib.util.find_spec("matplotlib") is None:
        raise RuntimeError(
            "charts are drawn by matplotlib, which is not installed: pip install "
            "'metagen[plots]', or leave chart out of --kinds"
        )
    children = max(1, min(CHART_CHILDREN, os.cpu_count() or 1, len(scripts)))
    share = -(-len(scripts) // children)
    shares = [scripts[start : start + share] for start in range(0, len(scripts), share)]
    with ThreadPoolExecutor(len(shares)) as pool:  # each thread waits on its child process
        drawn = list(pool.map(_render_in_one_child, shares))
    return [image for images in drawn for image in images]


def _render_in_one_child(scripts: list[str]) -> list[Image.Image]:
    batch = f"SCRIPTS = {json.dumps(scripts)!r}\n{_BATCH}"
    result = run_untrusted(batch, timeout=SECONDS_PER_SCRIPT * len(scripts))
    if result.timed_out:
        raise RuntimeError(f"drawing {len(scripts)} charts ran out of time")
    if not result.finished:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"a chart script failed: {last[:300]}")
    images = []
    for index in range(len(scripts)):
        with Image.open(io.BytesIO(result.files[f"{index}/chart.png"])) as image:
            images.append(image.convert("RGB"))
    return images
