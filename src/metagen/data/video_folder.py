"""Clips from `root/<class_name>/<clip>`, a clip being a folder of frames (`<clip>/*.png|jpg`,
in name order) or a `.npy` array shaped (T, H, W, C) or (T, H, W); optionally pre-split into
train/ and test/ (or val/)."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.image_folder import IMAGE_SUFFIXES, _check_image
from metagen.data.pixels import normalize_pixels

CLIP_SUFFIX = ".npy"


def _frame_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def _clips_in(folder: Path) -> list[Path]:
    """The clips of one class folder: frame folders and .npy files, by name."""
    return sorted(
        p
        for p in folder.iterdir()
        if not p.name.startswith(".")
        and (p.is_dir() or (p.is_file() and p.suffix.lower() == CLIP_SUFFIX))
    )


def frame_indices(available: int, num_frames: int) -> np.ndarray:
    """`num_frames` indices spread evenly over `available` frames (repeats if fewer)."""
    return np.linspace(0, available - 1, num_frames).round().astype(np.int64)


def _npy_header(path: Path) -> tuple[tuple[int, ...], np.dtype]:
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except Exception as err:
        raise ValueError(
            f"cannot read clip {path} ({type(err).__name__}: {err}); save it with numpy.save "
            "as an array shaped (frames, height, width, channels)."
        ) from None
    return array.shape, array.dtype


def check_clip(path: Path) -> None:
    """A clear ValueError if `path` is not a readable clip."""
    if path.is_dir():
        files = _frame_files(path)
        if not files:
            raise ValueError(
                f"clip folder {path} has no .png/.jpg/.jpeg frames; add its frames or remove it."
            )
        for frame in files:
            _check_image(frame)
        return
    shape, dtype = _npy_header(path)
    if len(shape) not in (3, 4) or (len(shape) == 4 and shape[3] not in (1, 3, 4)):
        raise ValueError(
            f"clip {path} has shape {shape}; expected (frames, height, width, channels) with 1, "
            "3 or 4 channels, or (frames, height, width) for gray."
        )
    if shape[0] == 0:
        raise ValueError(f"clip {path} has no frames (shape {shape}).")
    if dtype != np.uint8 and not np.issubdtype(dtype, np.floating):
        raise ValueError(
            f"clip {path} has dtype {dtype}; use uint8 pixels (0-255) or floats in [0, 1]."
        )


def _frame_from_array(
    frame: np.ndarray, resolution: tuple[int, int], channels: int, path: Path
) -> np.ndarray:
    """One (H, W[, C]) frame to (H', W', channels) uint8 at `resolution`."""
    from PIL import Image

    if frame.dtype != np.uint8:
        if not np.isfinite(frame).all() or frame.min() < 0.0 or frame.max() > 1.0:
            raise ValueError(
                f"clip {path} has float pixels outside [0, 1]; scale them to [0, 1] or save "
                "uint8 pixels (0-255)."
            )
        frame = (frame * 255.0).round().astype(np.uint8)
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    image = Image.fromarray(frame).convert("RGB" if channels == 3 else "L")
    height, width = resolution
    image = image.resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(image, dtype=np.uint8).reshape(height, width, channels)


def load_clip(path, num_frames: int, resolution, channels: int) -> np.ndarray:
    """The clip at `path` as (num_frames, H, W, C) uint8: frames sampled evenly over the clip,
    each resized to `resolution` ([height, width]); a clear ValueError if it is unreadable."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"clip {path} does not exist; pass a folder of frames or a .npy")
    check_clip(path)
    height, width = resolution
    if path.is_dir():
        files = _frame_files(path)
        picked = [files[i] for i in frame_indices(len(files), num_frames)]
        frames = [_load_frame(f, resolution, channels) for f in picked]
    else:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
        indices = frame_indices(array.shape[0], num_frames)
        frames = [
            _frame_from_array(np.asarray(array[i]), resolution, channels, path) for i in indices
        ]
    return np.stack(frames).reshape(num_frames, height, width, channels)


def _load_frame(path: Path, resolution, channels: int) -> np.ndarray:
    """The image at `path` as (H, W, C) uint8 at `resolution`; a clear error if corrupt."""
    from PIL import Image

    height, width = resolution
    try:
        with Image.open(path) as opened:
            image = opened.convert("RGB" if channels == 3 else "L")
            pixels = np.asarray(
                image.resize((width, height), Image.Resampling.BILINEAR), dtype=np.uint8
            )
    except Exception as err:
        raise ValueError(
            f"cannot read frame {path} ({type(err).__name__}: {err}); delete or replace it."
        ) from None
    return pixels.reshape(height, width, channels)


def clip_tensor(frames: np.ndarray) -> torch.Tensor:
    """(T, H, W, C) uint8 -> normalized (C, T, H, W) floats, as the model reads them."""
    clip = torch.from_numpy(np.ascontiguousarray(frames)).permute(3, 0, 1, 2).float() / 255.0
    return normalize_pixels(clip)


class VideoFolderDataset(Dataset):
    """One class per subfolder of `root`; each clip sampled to `num_frames` frames of
    `resolution` ([height, width]), RGB or gray."""

    def __init__(self, root, num_frames: int, resolution, channels: int = 3, class_names=None):
        root = Path(root)
        if channels not in (1, 3):
            raise ValueError(f"channels ({channels}) must be 1 (gray) or 3 (RGB)")
        if not root.is_dir():
            raise FileNotFoundError(
                f"video folder {root} does not exist; pass a folder laid out as "
                "root/<class_name>/<clip>/<frame>.png or root/<class_name>/<clip>.npy, or use "
                "--data synthetic."
            )
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        if not folders:
            raise ValueError(
                f"video folder {root} has no class subfolders; put each class's clips in its "
                "own folder, root/<class_name>/<clip>/<frame>.png or root/<class_name>/<clip>.npy."
            )
        self.class_names = list(class_names) if class_names else [p.name for p in folders]
        unknown = sorted({p.name for p in folders} - set(self.class_names))
        if unknown:
            raise ValueError(
                f"video folder {root} has classes {unknown} that the training split lacks; "
                "add them to train/ or remove them."
            )
        self.num_frames, self.resolution, self.channels = num_frames, list(resolution), channels
        self.samples: list[tuple[Path, int]] = []
        for folder in folders:
            clips = _clips_in(folder)
            if not clips:
                raise ValueError(
                    f"class folder {folder} has no clips (frame folders or .npy files); add "
                    "clips or remove the folder."
                )
            for clip in clips:
                check_clip(clip)
                self.samples.append((clip, self.class_names.index(folder.name)))
        self.labels = [label for _, label in self.samples]

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> dict:
        path, label = self.samples[index]
        frames = load_clip(path, self.num_frames, self.resolution, self.channels)
        return {"videos": clip_tensor(frames), "labels": torch.tensor(label)}
