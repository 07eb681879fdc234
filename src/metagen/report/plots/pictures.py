"""Pictures with class colours, shared by the detection and segmentation drawers: a grid of
image panels above a legend of class colours, label maps painted over an image, outlines of
regions, and labels on a filled background that stay readable over any picture."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch, Rectangle

from metagen.report.plots.class_scores import displayable
from metagen.report.plots.style import DPI, class_colour, plt

OVERLAY_ALPHA = 0.6  # the picture still shows through the colours
VOID_COLOUR = (0.0, 0.0, 0.0, 0.6)  # pixels no predicted segment claims
LEGEND_COLUMNS = 6


def grid_with_legend(rows: int, columns: int, side: float, entries: int):
    """(figure, rows x columns image axes flat, one axis spanning a last row tall enough for a
    legend of `entries`), each image panel `side` inches square."""
    legend_height = 0.25 * -(-max(entries, 1) // LEGEND_COLUMNS) + 0.2
    fig = plt.figure(figsize=(side * columns, side * rows + legend_height + 0.3), dpi=DPI)
    grid = fig.add_gridspec(rows + 1, columns, height_ratios=[side] * rows + [legend_height])
    axes = [fig.add_subplot(grid[r, c]) for r in range(rows) for c in range(columns)]
    for ax in axes:
        ax.axis("off")
    legend = fig.add_subplot(grid[rows, :])
    legend.axis("off")
    return fig, axes, legend


def class_legend(ax, names: list[str], classes, void: bool = False) -> None:
    """A legend in `ax` of the colour of each of `classes` (indices into `names`)."""
    handles = [Patch(color=class_colour(int(k)), label=names[int(k)]) for k in classes]
    if void:
        handles.append(Patch(color=VOID_COLOUR, label="void (no segment)"))
    if handles:
        ax.legend(handles=handles, loc="center", ncol=min(len(handles), LEGEND_COLUMNS), frameon=False,
                  fontsize=8)  # fmt: skip


def show_image(ax, image: np.ndarray) -> None:
    """A normalised (C, H, W) input as a picture."""
    ax.imshow(displayable(image), cmap="gray" if image.shape[0] == 1 else None, vmin=0, vmax=1)


def paint_classes(ax, classes: np.ndarray, void: bool = False) -> None:
    """Each pixel of the (H, W) class map in its class colour, over what `ax` shows; pixels
    below 0 are left clear, or darkened as void where `void`."""
    overlay = np.zeros((*classes.shape, 4))
    for k in np.unique(classes[classes >= 0]):
        overlay[classes == k] = (*class_colour(int(k))[:3], OVERLAY_ALPHA)
    if void:
        overlay[classes < 0] = VOID_COLOUR
    ax.imshow(overlay, interpolation="nearest")


def paint_outlines(ax, regions: np.ndarray, classes: np.ndarray | None = None) -> None:
    """The pixels at the edge of each region of the (H, W) id map (ids below 0 are no region),
    opaque, over what `ax` shows: white, or the colour of the (H, W) `classes` there."""
    edges = outlines(regions)
    overlay = np.zeros((*regions.shape, 4))
    overlay[edges] = (1.0, 1.0, 1.0, 1.0)
    if classes is not None:
        for k in np.unique(classes[edges & (classes >= 0)]):
            overlay[edges & (classes == k)] = class_colour(int(k))
    ax.imshow(overlay, interpolation="nearest")


def outlines(regions: np.ndarray) -> np.ndarray:
    """(H, W) bool: pixels of a region (id 0 or more) with a neighbour (of four, the image
    border included) outside that region."""
    padded = np.pad(regions, 1, constant_values=-1)
    inner = padded[1:-1, 1:-1]
    differs = (
        (inner != padded[1:-1, 2:]) | (inner != padded[2:, 1:-1])
        | (inner != padded[1:-1, :-2]) | (inner != padded[:-2, 1:-1])
    )  # fmt: skip
    return differs & (regions >= 0)


def draw_box(ax, box, colour, dashed: bool = False) -> None:
    """A box (x0, y0, x1, y1) in pixels: solid for a prediction, dashed for the truth."""
    x0, y0, x1, y1 = (float(v) for v in box)
    ax.add_patch(
        Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, edgecolor=colour,
                  linewidth=1.6, linestyle="--" if dashed else "-")
    )  # fmt: skip


def label(ax, x: float, y: float, text: str, colour, height: int) -> None:
    """`text` on a filled background of `colour` at the top-left corner (x, y) of a region:
    above it where there is room, else just inside it."""
    room = y > 0.1 * height
    ax.text(x - 0.5, y - 0.5, text, fontsize=7, color=text_colour(colour),
            va="bottom" if room else "top", ha="left", clip_on=True,
            bbox={"facecolor": colour, "edgecolor": "none", "pad": 1.0, "alpha": 0.85})  # fmt: skip


def text_colour(colour) -> str:
    """Black on light backgrounds, white on dark ones (by relative luminance)."""
    r, g, b = colour[:3]
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


def corner_note(ax, text: str) -> None:
    """A short note across the bottom of an image panel (on a white background)."""
    ax.text(0.5, 0.03, text, transform=ax.transAxes, ha="center", va="bottom", fontsize=7,
            wrap=True, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85})  # fmt: skip
