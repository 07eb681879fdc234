"""What an audio language model generates: for each held-out prompt, the spectrogram of the
prompt's end and the audio that really followed it, beside the prompt's end and the model's
continuation, on one time axis (0 is the end of the prompt) and one colour scale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metagen.report.plots.style import panels, save

N_FFT = 128  # 8 ms at 16 kHz: fine enough in time for a thousand samples
HOP = 32
DYNAMIC_RANGE_DB = 80.0  # the colour scale spans this far below the loudest bin drawn


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    rate = int(predictions["sample_rate"])
    tails = np.asarray(predictions["prompt_tails"], dtype=float)
    parts = {
        "held-out": np.asarray(predictions["references"], dtype=float),
        "model": np.asarray(predictions["generated"], dtype=float),
    }
    spectra = {
        name: [spectrogram_db(np.concatenate([tail, after])) for tail, after in zip(tails, waves,
                                                                                   strict=True)]
        for name, waves in parts.items()
    }  # fmt: skip
    top = max(float(s.max()) for panes in spectra.values() for s in panes)
    fig, axes = panels(len(tails), 2, 11, 2.2 * len(tails) + 0.6)
    start = -tails.shape[1] / rate
    for index in range(len(tails)):
        for column, (name, panes) in enumerate(spectra.items()):
            ax, db = axes[2 * index + column], panes[index]
            # each frame's column is centred on its window, HOP wide
            left = start + (N_FFT - HOP) / 2 / rate
            image = ax.imshow(db, origin="lower", aspect="auto", cmap="magma",
                              vmin=top - DYNAMIC_RANGE_DB, vmax=top,
                              extent=(left, left + db.shape[1] * HOP / rate, 0, rate / 2000))  # fmt: skip
            ax.axvline(0.0, color="white", linestyle="--", linewidth=1)
            ax.set_xlim(start, start + (tails.shape[1] + parts["model"].shape[1]) / rate)
            after = len(parts[name][index])
            what = "held-out continuation" if name == "held-out" else "model's continuation"
            ax.set_title(f"sample {index + 1}: prompt end | {what} ({after} samples)",
                         fontsize=9)  # fmt: skip
            ax.set_ylabel("kHz")
            fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label="dB")
            if index == len(tails) - 1:
                ax.set_xlabel("seconds after the prompt's end")
    fig.suptitle(f"Spectrograms at {rate} Hz (the model samples with "
                 f"{predictions['sampling']}); dashed: end of the prompt")  # fmt: skip
    values = {
        "sample_rate": rate, "n_fft": N_FFT, "hop_length": HOP, "window": "hann",
        "sampling": predictions["sampling"], "prompt_tail_samples": int(tails.shape[1]),
        "spectrograms_db": {name: [np.round(s, 1).tolist() for s in panes]
                            for name, panes in spectra.items()},
    }  # fmt: skip
    return [save(fig, out_dir, "audio_spectrograms", values)]


def spectrogram_db(wave: np.ndarray, n_fft: int = N_FFT, hop: int = HOP) -> np.ndarray:
    """Power in dB (n_fft // 2 + 1, frames) of Hann-windowed frames every `hop` samples (no
    padding: the last frame ends within the wave)."""
    if len(wave) < n_fft:
        wave = np.pad(wave, (0, n_fft - len(wave)))
    starts = np.arange(0, len(wave) - n_fft + 1, hop)
    frames = np.stack([wave[s : s + n_fft] for s in starts]) * np.hanning(n_fft)  # (F, n_fft)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2  # (F, bins)
    return 10 * np.log10(power.T + 1e-10)
