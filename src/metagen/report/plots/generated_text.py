"""Text a model wrote for held-out inputs: a panel of each sample's input text (black), the
model's text (blue) and the reference (grey), and where the model read pictures, the pictures
titled with what it wrote."""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from metagen.report.plots.style import figure, panels, save

LINE_WIDTH = 96  # characters per line of the panel
MOST_LINES = 8  # per text in the panel; a longer text is cut, and its JSON shows the cut
# (field, label, colour) of each text of a sample, in the order drawn
ROLES = (("prompt", "input", "black"), ("generated", "model", "tab:blue"),
         ("reference", "reference", "grey"))  # fmt: skip
NEWLINE = "\u21b5"  # a line break in the text, shown where the line ends
CUT = "\u2026"
EMPTY = "(empty)"
FONT = "monospace"
TEXT_STYLE: dict[str, Any] = {"family": FONT, "fontsize": 8, "parse_math": False}  # code has "$"


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    samples = predictions["samples"]
    drawn = [_text_panel(samples, str(predictions.get("decoding", "")), out_dir)]
    if "images" in predictions:
        drawn.append(_pictures(np.asarray(predictions["images"], dtype=float), samples, out_dir))
    return drawn


def panel_lines(text: str, width: int, most: int) -> list[str]:
    """`text` as at most `most` lines of `width` characters: each line break marked and kept,
    long lines wrapped, a cut text ending in an ellipsis; an empty text says so."""
    if not text:
        return [EMPTY]
    pieces = visible(text).split("\n")
    if len(pieces) > 1 and not pieces[-1]:
        pieces = pieces[:-1]  # a final line break is marked on the last line
    lines: list[str] = []
    breaks = text.count("\n")
    for index, piece in enumerate(pieces):
        marked = piece + (NEWLINE if index < breaks else "")
        lines += textwrap.wrap(marked, width, drop_whitespace=False) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1] + CUT
    return lines


def visible(text: str) -> str:
    """`text` with each character the panel's font cannot draw as its escape (\\x10,
    \\u079c), the line break kept: an untrained model writes control bytes and stray
    letters of any script."""
    drawable = _drawable()
    return "".join(c if c == "\n" or (c.isprintable() and ord(c) in drawable)
                   else c.encode("unicode_escape").decode() for c in text)  # fmt: skip


@cache
def _drawable() -> frozenset[int]:
    """The code points the panel's monospace font has glyphs for."""
    path = font_manager.findfont(font_manager.FontProperties(family=FONT))
    return frozenset(FT2Font(path).get_charmap())


def _text_panel(samples: list[dict], decoding: str, out_dir: Path) -> Path:
    rows: list[tuple[str, str, str]] = []  # (text, colour, weight), top to bottom
    shown: list[dict[str, Any]] = []
    label_width = max(len(label) for _, label, _ in ROLES) + 2
    for index, sample in enumerate(samples):
        note = sample.get("note", "")
        rows.append((f"sample {index + 1}" + (f": {note}" if note else ""), "black", "bold"))
        texts: dict[str, Any] = {"note": note}
        for field, label, colour in ROLES:
            if field == "prompt" and not sample[field]:
                continue  # the model read a picture alone
            lines = panel_lines(sample[field], LINE_WIDTH, MOST_LINES)
            texts[field] = lines
            for number, line in enumerate(lines):
                rows.append(((label if number == 0 else "").ljust(label_width) + line, colour, ""))
        rows.append(("", "black", ""))
        shown.append(texts)
    about = f" ({decoding})" if decoding else ""
    fig = text_rows(rows, LINE_WIDTH + label_width,
                    f"Held-out samples{about}: input black, model blue, reference grey")  # fmt: skip
    return save(fig, out_dir, "generated_text", {"decoding": decoding, "samples": shown})


def text_rows(rows: list[tuple[str, str, str]], characters: int, title: str):
    """A figure of lines of text, top to bottom, each (text, colour, weight), `characters`
    wide."""
    fig, ax = figure(0.07 * characters + 0.6, 0.17 * len(rows) + 0.7)
    ax.axis("off")
    ax.set_xlim(0, 1)
    ax.set_ylim(len(rows), 0)
    for number, (text, colour, weight) in enumerate(rows):
        ax.text(0, number + 0.5, text, va="center", color=colour, fontweight=weight or "normal",
                **TEXT_STYLE)  # fmt: skip
    ax.set_title(title, fontsize=10)
    return fig


def picture(image: np.ndarray) -> tuple[np.ndarray, str | None]:
    """(C, H, W) in [0, 1] -> what imshow draws, and its colour map."""
    return (image[0], "gray") if image.shape[0] == 1 else (np.moveaxis(image[:3], 0, -1), None)


def caption_below(ax, lines: list[str], colour: str) -> None:
    """`lines` under a picture's axis, as its x label (which the layout makes room for); the
    axis keeps no ticks and no frame."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("\n".join(lines), color=colour, **TEXT_STYLE)


def _pictures(images: np.ndarray, samples: list[dict], out_dir: Path) -> Path:
    """Each picture the model read, titled with the start of what it wrote (blue) over the
    start of the reference (grey)."""
    count = len(images)
    columns = min(4, count)
    rows = -(-count // columns)
    fig, axes = panels(rows, columns, 2.4 * columns, 3.3 * rows + 0.6)
    shown = []
    for index, ax in enumerate(axes):
        if index >= count:
            ax.axis("off")
            continue
        pixels, cmap = picture(images[index])
        ax.imshow(pixels, cmap=cmap, vmin=0, vmax=1)
        written = panel_lines(samples[index]["generated"], 26, 2)
        reference = panel_lines(samples[index]["reference"], 26, 2)
        ax.set_title("\n".join(written), color="tab:blue", **TEXT_STYLE)
        caption_below(ax, reference, "grey")
        shown.append({"generated": written, "reference": reference})
    fig.suptitle("Held-out pictures: the model's text (blue) above, the reference (grey) below")
    return save(fig, out_dir, "generated_pictures", {"pictures": shown})
