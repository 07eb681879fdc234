"""Images from `root/<class_name>/*.png|jpg|jpeg`, optionally pre-split into train/ and test/."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.pixels import normalize_pixels

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
SPLIT_FOLDER_NAMES = ("test", "val")
# How a picture becomes square: `pad` keeps its aspect ratio (image classification's
# default), `stretch` scales each side on its own (the tasks that map boxes and masks with it).
RESIZES = ("pad", "stretch")
PAD_LEVEL = 128  # the padding's gray, about 0 once normalize_pixels has scaled it


def _class_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def find_split_folders(root) -> tuple[Path, Path] | None:
    """(train, held-out) folders when `root` holds train/ and test/ (or val/) of class folders."""
    root = Path(root)
    train = root / "train"
    if not train.is_dir() or not any(p.is_dir() for p in train.iterdir()):
        return None
    for name in SPLIT_FOLDER_NAMES:
        if (root / name).is_dir():
            return train, root / name
    return None


def picture_resize(cfg: dict, default: str) -> str:
    """The data config's `resize` (one of RESIZES), or `default` where it names none."""
    resize = cfg.get("resize") or default
    if resize not in RESIZES:
        raise ValueError(f"the data config's resize ({resize!r}) must be pad or stretch")
    return resize


def fit_picture(image, image_size: int, resize: str = "stretch"):
    """A PIL picture made `image_size` square, bilinear. `stretch` scales each side to it;
    `pad` scales the longer side to it, keeping the aspect ratio, and centres the picture on
    mid-gray (PAD_LEVEL; the shorter side's odd pixel of padding goes to the bottom/right)."""
    from PIL import Image

    width, height = image.size
    if resize == "stretch" or width == height:
        return image.resize((image_size, image_size), Image.Resampling.BILINEAR)
    left, top, right, bottom = pad_box(width, height, image_size)
    level = PAD_LEVEL if image.mode == "L" else (PAD_LEVEL,) * len(image.getbands())
    canvas = Image.new(image.mode, (image_size, image_size), level)
    canvas.paste(image.resize((right - left, bottom - top), Image.Resampling.BILINEAR), (left, top))
    return canvas


def pad_box(width: int, height: int, image_size: int) -> tuple[int, int, int, int]:
    """Where `pad` puts a width x height picture in its square: (left, top, right, bottom)."""
    scale = image_size / max(width, height)
    fitted = (max(1, round(width * scale)), max(1, round(height * scale)))
    left, top = (image_size - fitted[0]) // 2, (image_size - fitted[1]) // 2
    return left, top, left + fitted[0], top + fitted[1]


def load_image(path, image_size: int, channels: int, resize: str = "stretch") -> np.ndarray:
    """The image at `path` made `image_size` square (fit_picture's `resize`), as (H, W, C)
    uint8; a clear error if corrupt."""
    from PIL import Image

    if resize not in RESIZES:
        raise ValueError(f"resize ({resize!r}) must be one of {', '.join(RESIZES)}")
    try:
        with Image.open(path) as opened:
            image = fit_picture(opened.convert("RGB" if channels == 3 else "L"), image_size, resize)
            pixels = np.array(image, dtype=np.uint8)
    except Exception as err:
        raise ValueError(
            f"cannot read image {path} ({type(err).__name__}: {err}); delete or replace this file."
        ) from None
    return pixels.reshape(image_size, image_size, channels)


def verified_image_size(path) -> tuple[int, int]:
    """(width, height) of an image checked whole without decoding it: PIL's verify reads a PNG
    to its end, but not a JPEG, whose scan must then reach an end-of-image marker."""
    from PIL import Image

    with Image.open(path) as image:
        # PIL's JPEG reader stops at the scan, past the headers (and any EXIF thumbnail's end)
        scan = image.fp.tell() if image.format == "JPEG" and image.fp else None
        size = image.size
        image.verify()
    if scan is not None and Path(path).read_bytes().find(b"\xff\xd9", scan) == -1:
        raise OSError("the JPEG data stops before its end marker: the file is cut short")
    return size


def _check_image(path: Path) -> None:
    try:
        verified_image_size(path)
    except Exception as err:
        raise ValueError(
            f"corrupt or unreadable image {path} ({type(err).__name__}: {err}); "
            "delete or replace this file."
        ) from None


class ImageFolderDataset(Dataset):
    """One class per subfolder of `root`; images made `image_size` square by `resize`
    (load_image's), RGB or gray."""

    def __init__(
        self, root, image_size: int, channels: int = 3, class_names=None, resize: str = "stretch"
    ):
        root = Path(root)
        if channels not in (1, 3):
            raise ValueError(f"channels ({channels}) must be 1 (gray) or 3 (RGB)")
        if not root.is_dir():
            raise FileNotFoundError(
                f"image folder {root} does not exist; pass a folder laid out as "
                "root/<class_name>/<image>.png, or use --data synthetic."
            )
        folders = _class_folders(root)
        if not folders:
            raise ValueError(
                f"image folder {root} has no class subfolders; put each class's images "
                "in its own folder, root/<class_name>/<image>.png."
            )
        self.class_names = list(class_names) if class_names else [p.name for p in folders]
        unknown = sorted({p.name for p in folders} - set(self.class_names))
        if unknown:
            raise ValueError(
                f"image folder {root} has classes {unknown} that the training split lacks; "
                "add them to train/ or remove them."
            )
        self.root, self.image_size, self.channels = root, image_size, channels
        self.resize = resize
        self.samples: list[tuple[Path, int]] = []
        for folder in folders:
            files = _image_files(folder)
            if not files:
                raise ValueError(
                    f"class folder {folder} has no .png/.jpg/.jpeg images; "
                    "add images or remove the folder."
                )
            for path in files:
                _check_image(path)
                self.samples.append((path, self.class_names.index(folder.name)))
        self.labels = [label for _, label in self.samples]

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> dict:
        path, label = self.samples[index]
        pixels = load_image(path, self.image_size, self.channels, self.resize)  # (H, W, C) uint8
        image = torch.from_numpy(pixels).permute(2, 0, 1).float() / 255.0  # (C, H, W)
        return {"images": normalize_pixels(image), "labels": torch.tensor(label)}


def split_indices(
    n: int, val_fraction: float, seed: int, labels=None
) -> tuple[list[int], list[int]]:
    """Deterministic (train, val) index lists; stratified per label when `labels` is given."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction ({val_fraction}) must be between 0 and 1")
    if n < 2:
        raise ValueError(f"cannot split {n} samples into train and validation")
    generator = torch.Generator().manual_seed(seed)
    groups: dict = {}
    for index, label in enumerate(labels if labels is not None else [0] * n):
        groups.setdefault(label, []).append(index)
    train, val = [], []
    for label in sorted(groups):
        members = groups[label]
        order = torch.randperm(len(members), generator=generator).tolist()
        n_val = int(round(len(members) * val_fraction))
        n_val = min(max(n_val, 1), len(members) - 1) if len(members) > 1 else 0
        val += [members[i] for i in order[:n_val]]
        train += [members[i] for i in order[n_val:]]
    if not val:
        raise ValueError(f"val_fraction {val_fraction} leaves no validation samples out of {n}")
    return sorted(train), sorted(val)
