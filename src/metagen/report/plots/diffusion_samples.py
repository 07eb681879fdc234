"""What a diffusion model draws: its samples above held-out pictures (one column each, the
caption it was given on top), or for video, each sampled clip's frames in a row above the
held-out clip of the same caption; an unconditioned model's beside any held-out ones."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from metagen.report.plots.generated_text import picture
from metagen.report.plots.style import panels, save

MOST_FRAMES = 8  # of a clip, evenly spaced; the JSON names the frames shown
FRAME_SIDE = 0.85  # inches


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    samples = np.asarray(predictions["samples"], dtype=float)
    references = np.asarray(predictions["references"], dtype=float)
    captions = list(predictions.get("captions") or [""] * len(samples))
    sampler = str(predictions["sampler"])
    if samples.ndim == 5:  # (n, C, T, H, W)
        return [_clips(samples, references, captions, sampler, out_dir)]
    return [_pictures(samples, references, captions, sampler, out_dir)]


def _pictures(samples, references, captions, sampler: str, out_dir: Path) -> Path:
    count = len(samples)
    fig, axes = panels(2, count, 1.5 * count + 0.4, 3.6)
    for index in range(count):
        for row, images in enumerate((samples, references)):
            ax = axes[row * count + index]
            image, cmap = picture(images[index])
            ax.imshow(image, cmap=cmap, vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0 and captions[index]:
                ax.set_title(textwrap.fill(captions[index], 16), fontsize=8)
            if index == 0:
                ax.set_ylabel("sampled" if row == 0 else "held-out")
    beside = (
        "the held-out picture of the same caption"
        if any(captions)
        else "held-out pictures (the model reads no text)"
    )
    fig.suptitle(f"Sampled ({sampler}) above {beside}", fontsize=10)
    values = {"sampler": sampler, "captions": captions, "rows": ["sampled", "held-out"]}
    return save(fig, out_dir, "diffusion_samples", values)


def _clips(samples, references, captions, sampler: str, out_dir: Path) -> Path:
    """Row by row: a sampled clip's frames, then the held-out clip of its caption."""
    frames = np.unique(np.linspace(0, samples.shape[2] - 1, MOST_FRAMES).round().astype(int))
    rows, columns = 2 * len(samples), len(frames)
    fig, axes = panels(rows, columns, FRAME_SIDE * columns + 0.6, FRAME_SIDE * rows + 0.8)
    labels = []
    for index in range(len(samples)):
        for part, clips in enumerate((samples, references)):
            row = 2 * index + part
            label = f"{'sampled' if part == 0 else 'held-out'} {index + 1}"
            labels.append(label)
            for column, frame in enumerate(frames):
                ax = axes[row * columns + column]
                image, cmap = picture(clips[index][:, frame])
                ax.imshow(image, cmap=cmap, vmin=0, vmax=1)
                ax.set_xticks([])
                ax.set_yticks([])
                if row == rows - 1:
                    ax.set_xlabel(f"frame {frame}", fontsize=7)
                if column == 0:
                    ax.set_ylabel(label, fontsize=7)
            if part == 0 and captions[index]:  # spans the row: the other frames have no title
                axes[row * columns].set_title(captions[index], fontsize=7, loc="left")
    beside = (
        "the held-out clip of its caption"
        if any(captions)
        else "a held-out clip (the model reads no text)"
    )
    fig.suptitle(f"Sampled clips ({sampler}), each above {beside}", fontsize=10)
    values = {"sampler": sampler, "captions": captions, "frames_shown": frames.tolist(),
              "rows": labels}  # fmt: skip
    return save(fig, out_dir, "diffusion_samples", values)
