"""What a speech recognizer hears and writes: each held-out clip's log-mel spectrogram (the
model's own input features) titled with its transcript against the reference and the WER."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metagen.report.plots.generated_text import NEWLINE, visible
from metagen.report.plots.style import panels, save

COLUMNS = 2


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    mels = np.asarray(predictions["log_mel"], dtype=float)  # (n, n_mels, frames)
    hypotheses, references = predictions["hypotheses"], predictions["references"]
    errors = predictions["wer"]
    seconds_per_frame = int(predictions["hop_length"]) / int(predictions["sample_rate"])
    count = len(mels)
    columns = min(COLUMNS, count)
    rows = -(-count // columns)
    fig, axes = panels(rows, columns, 6.0 * columns, 2.6 * rows + 0.5)
    low, high = float(mels.min()), float(mels.max())
    shown = []
    for index, ax in enumerate(axes):
        if index >= count:
            ax.axis("off")
            continue
        image = ax.imshow(mels[index], origin="lower", aspect="auto", cmap="magma", vmin=low,
                          vmax=high, extent=(0, mels.shape[2] * seconds_per_frame, 0,
                                             mels.shape[1]))  # fmt: skip
        error = errors[index]
        rate = "no reference words" if error is None else f"WER {error:.2f}"
        right = hypotheses[index] == references[index]
        said = f"model: {_quoted(hypotheses[index])}\nreference: {_quoted(references[index])}"
        ax.set_title(f"{said}  ({rate})",
                     fontsize=9, color="tab:green" if right else "tab:red",
                     parse_math=False)  # fmt: skip
        ax.set(xlabel="seconds", ylabel="mel bin")
        fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        shown.append({"hypothesis": hypotheses[index], "reference": references[index],
                      "wer": error})  # fmt: skip
    fig.suptitle(f"Held-out clips as the model hears them (WER of these {count} together: "
                 f"{predictions['corpus_wer']:.3f}); green: transcript exact")  # fmt: skip
    values = {
        "samples": shown,
        "corpus_wer": predictions["corpus_wer"],
        "seconds_per_frame": seconds_per_frame,
        "log_mel": np.round(mels, 3).tolist(),
    }
    return [save(fig, out_dir, "transcripts", values)]


def _quoted(text: str) -> str:
    """The text on one line, in quotes, every character drawable."""
    return "'" + visible(text).replace("\n", NEWLINE) + "'"
