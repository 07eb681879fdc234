"""Charts: a matplotlib script that draws a bar or line chart, paired with the picture it
draws. Each script comes from a template (bar or line) and a palette colour; the pairs that
pairs.py holds out are (template, colour) combinations.

The picture is made by running the script, in a child process (render_charts): a script is
code, and MetaGen runs code only in a subprocess with a time limit, a temporary working
directory and an environment without the caller's variables. The scripts here are our own
templates, so one child runs a batch of them, each in a fresh namespace and folder."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

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
    """(script, what it draws: template, colour, title, labels, values)."""
    count = rng.randint(3, 6)
    start = rng.randint(0, len(CATEGORIES) - count)
    labels = list(CATEGORIES[start : start + count])
    values = [rng.randint(1, 12) for _ in labels]
    title = rng.choice(TITLES)
    facts = {"template": template, "color": color, "title": title, "labels": labels,
             "values": values}  # fmt: skip
    return chart_script(template, color, title, labels, values), facts


# The child: runs each script of a JSON list in its own folder; prints nothing on success.
_RUNNER = """
import json, os, sys, runpy
scripts, out = json.loads(sys.stdin.read()), sys.argv[1]
for i, script in enumerate(scripts):
    folder = os.path.join(out, str(i))
    os.makedirs(folder)
    os.chdir(folder)
    exec(compile(script, f"<chart {i}>", "exec"), {"__name__": "__main__"})
    import matplotlib.pyplot as plt
    plt.close("all")
"""


def render_charts(scripts: list[str]) -> list[Image.Image]:
    """The picture each script saves as chart.png, run in one child process. A
    RuntimeError with the child's error if a script fails or the child runs out of time."""
    if not scripts:
        return []
    if importlib.util.find_spec("matplotlib") is None:
        raise RuntimeError(
            "charts are drawn by matplotlib, which is not installed: pip install "
            "'metagen[plots]', or leave chart out of --kinds"
        )
    with tempfile.TemporaryDirectory() as out:
        env = {"PATH": os.environ.get("PATH", ""), "MPLBACKEND": "Agg", "HOME": out,
               "MPLCONFIGDIR": str(Path(out) / "mpl")}  # fmt: skip
        try:
            done = subprocess.run(
                [sys.executable, "-c", _RUNNER, out], input=json.dumps(scripts), text=True,
                capture_output=True, env=env, cwd=out,
                timeout=SECONDS_PER_SCRIPT * max(1, len(scripts)),
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"drawing {len(scripts)} charts ran out of time") from None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise RuntimeError(f"a chart script failed: {last[:300]}")
        images = []
        for index in range(len(scripts)):
            with Image.open(Path(out) / str(index) / "chart.png") as image:
                images.append(image.convert("RGB"))
        return images
