"""Folders of six-channel recordings whose class lies only in how the channels relate: in
class "same" channels 3-5 repeat channels 0-2, in class "flipped" they repeat them negated.
Each channel alone is a sine of random phase and speed in both classes, so no single channel
tells the classes apart; the channels together do."""

from __future__ import annotations

import numpy as np

RECORDING_CLASSES = ("flipped", "same")
RECORDING_CHANNELS = ("ax", "ay", "az", "gx", "gy", "gz")


def recording(rng: np.random.Generator, label: str, length: int) -> np.ndarray:
    """(length, 6): three sines, then the same three (or negated), each with its own noise."""
    t = np.arange(length)[:, None]
    speed = rng.uniform(0.1, 0.4, size=(1, 3))
    base = np.sin(speed * t + rng.uniform(0, 2 * np.pi, size=(1, 3)))
    sign = 1.0 if label == "same" else -1.0
    values = np.concatenate([base, sign * base], axis=1)
    return values + 0.2 * rng.standard_normal(values.shape)


def write_recording(path, values: np.ndarray, time_column: bool = True) -> None:
    header = (["time"] if time_column else []) + list(RECORDING_CHANNELS)
    lines = [",".join(header)]
    for step, row in enumerate(values):
        cells = ([str(step)] if time_column else []) + [f"{v:.4f}" for v in row]
        lines.append(",".join(cells))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def class_folders(root, per_class: int, length: int = 48, seed: int = 0):
    """root/<class>/<n>.csv, per_class recordings of each class; returns root."""
    rng = np.random.default_rng(seed)
    for label in RECORDING_CLASSES:
        for n in range(per_class):
            write_recording(root / label / f"{n:03d}.csv", recording(rng, label, length))
    return root


def labels_file(root, per_class: int, length: int = 48, seed: int = 0):
    """root/recordings/<n>.csv and root/labels.csv (file,label); returns root."""
    rng = np.random.default_rng(seed)
    rows = ["file,label"]
    for n in range(per_class * len(RECORDING_CLASSES)):
        label = RECORDING_CLASSES[n % len(RECORDING_CLASSES)]
        write_recording(root / "recordings" / f"r{n}.csv", recording(rng, label, length))
        rows.append(f"recordings/r{n}.csv,{label}")
    (root / "labels.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root
