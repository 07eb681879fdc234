"""The look every plot shares: the Agg backend (no display), a readable size, a colour per
class, and a save that writes the PNG and the numbers it shows side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no window, no display needed

import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

DPI = 100


def figure(width: float = 6.4, height: float = 4.2):
    """(figure, one axis)."""
    return plt.subplots(figsize=(width, height), dpi=DPI)


def panels(rows: int, columns: int, width: float, height: float):
    """(figure, a flat array of rows x columns axes)."""
    fig, axes = plt.subplots(rows, columns, figsize=(width, height), dpi=DPI, squeeze=False)
    return fig, axes.ravel()


def class_colour(index: int) -> tuple[float, float, float, float]:
    """A distinct colour per class: tab10, then tab20's lighter shades."""
    palette = plt.get_cmap("tab10" if index < 10 else "tab20")
    return palette(index % 10 if index < 10 else (2 * (index % 10) + 1) % 20)


def save(fig, out_dir: Path, name: str, values: dict[str, Any] | None = None) -> Path:
    """`name`.png (and `name`.json holding `values`, the plotted numbers) in `out_dir`."""
    path = out_dir / f"{name}.png"
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    if values is not None:
        (out_dir / f"{name}.json").write_text(json.dumps(values, indent=1) + "\n", "utf-8")
    return path


def note(ax, text: str) -> None:
    """An axis that says in words why it holds no plot."""
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True)
