"""Image-caption pairs: synthetic shapes with their captions, or JSONL files of
{"image": path, "caption": text} lines; captions become padded byte-token ids."""

import json
from pathlib import Path

import torch
from torch.utils.data import Dataset

from metagen.data.image_folder import load_image, split_indices, verified_image_size
from metagen.data.pixels import normalize_pixels
from metagen.data.synthetic_images import ShapesDataset
from metagen.data.synthetic_text import unigram_entropy_nats
from metagen.data.tokenizer import ByteTokenizer

# Target id that cross-entropy skips (padding after a caption's eos).
CAPTION_IGNORE_INDEX = -100
CAPTION_HELD_OUT_FILES = ("val.jsonl", "test.jsonl")
CAPTION_LINE_EXAMPLE = '{"image": "images/0001.png", "caption": "a red circle"}'


def _caption_error(path: Path, number: int, problem: str) -> ValueError:
    return ValueError(
        f"{path}, line {number}: {problem}. Each line must be one JSON object "
        f"like {CAPTION_LINE_EXAMPLE}."
    )


def _verify_image(path: Path, where: str) -> None:
    try:
        verified_image_size(path)
    except Exception as err:
        raise ValueError(
            f"{where}: corrupt or unreadable image {path} ({type(err).__name__}: {err}); "
            "replace the file or remove its line."
        ) from None


def read_caption_jsonl(path) -> list[tuple[Path, str]]:
    """(image path, caption) per line of a JSONL file; relative image paths are read from the
    file's folder. Every error names the file, the line and the fix."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"caption file {path} does not exist; pass a .jsonl file with one "
            f"{CAPTION_LINE_EXAMPLE} object per line, or use --data synthetic."
        )
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{path} is not UTF-8 text (byte {err.start}); save it as UTF-8 JSONL."
        ) from None
    pairs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise _caption_error(path, number, f"not valid JSON ({err.msg})") from None
        if not isinstance(record, dict):
            raise _caption_error(path, number, f"expected an object, got {type(record).__name__}")
        missing = [key for key in ("image", "caption") if key not in record]
        if missing:
            raise _caption_error(path, number, f"missing {' and '.join(map(repr, missing))}")
        image, caption = record["image"], record["caption"]
        if not isinstance(image, str) or not image.strip():
            raise _caption_error(path, number, f'"image" must be a file path, got {image!r}')
        if not isinstance(caption, str) or not caption.strip():
            raise _caption_error(path, number, f'"caption" must be non-empty text, got {caption!r}')
        image_path = Path(image) if Path(image).is_absolute() else path.parent / image
        if not image_path.is_file():
            raise FileNotFoundError(
                f"{path}, line {number}: image {image_path} does not exist "
                f"(relative paths are read from {path.parent})."
            )
        pairs.append((image_path, caption))
    if not pairs:
        raise ValueError(
            f"caption file {path} holds no pairs; add lines like {CAPTION_LINE_EXAMPLE}."
        )
    return pairs


class ImageCaptionFile(Dataset):
    """Pairs read from JSONL; images resized to `image_size` square, RGB or gray, checked up
    front so that a bad file stops the run before training starts."""

    def __init__(
        self,
        pairs: list[tuple[Path, str]],
        image_size: int,
        channels: int = 3,
        source: str = "captions",
    ):
        if channels not in (1, 3):
            raise ValueError(f"channels ({channels}) must be 1 (gray) or 3 (RGB)")
        for image_path, _ in pairs:
            _verify_image(image_path, source)
        self.pairs, self.image_size, self.channels = list(pairs), image_size, channels

    def __len__(self) -> int:
        return len(self.pairs)

    def caption(self, index: int) -> str:
        return self.pairs[index][1]

    def pair(self, index: int) -> tuple[torch.Tensor, str]:
        """(image (C, H, W) normalized, caption)."""
        path, caption = self.pairs[index]
        pixels = load_image(path, self.image_size, self.channels)  # (H, W, C) uint8
        image = torch.from_numpy(pixels).permute(2, 0, 1).float() / 255.0  # (C, H, W)
        return normalize_pixels(image), caption


class ShapeCaptions(Dataset):
    """Synthetic shapes paired with the caption of what was drawn ("a red circle")."""

    def __init__(self, shapes: ShapesDataset):
        self.shapes = shapes

    def __len__(self) -> int:
        return len(self.shapes)

    def caption(self, index: int) -> str:
        return self.shapes.caption_for(index)

    def pair(self, index: int) -> tuple[torch.Tensor, str]:
        image, _ = self.shapes.draw(index)  # (C, H, W) in [0, 1]
        return normalize_pixels(torch.from_numpy(image)), self.shapes.caption_for(index)


def caption_token_ids(caption: str, seq_len: int, tokenizer: ByteTokenizer) -> list[int]:
    """bos, the caption's bytes, eos, then padding: exactly seq_len ids. A long caption is
    cut so that its eos still fits."""
    if seq_len < 3:
        raise ValueError(f"seq_len ({seq_len}) must hold at least bos, one byte and eos")
    ids = tokenizer.encode(caption)[: seq_len - 2]
    ids = [tokenizer.bos_id, *ids, tokenizer.eos_id]
    return ids + [tokenizer.pad_id] * (seq_len - len(ids))


class CaptionedImages(Dataset):
    """Items {"images", text_key} for contrastive training, or, with_targets, next-token
    {"images", "input_ids", "targets"} for captioning (padding targets are ignored)."""

    def __init__(self, pairs, seq_len: int, *, with_targets: bool, text_key: str = "input_ids"):
        self.pairs, self.seq_len, self.with_targets = pairs, seq_len, with_targets
        self.text_key = text_key
        self.tokenizer = ByteTokenizer()

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> dict:
        if not 0 <= index < len(self):
            raise IndexError(f"pair {index} out of range for {len(self)} pairs")
        image, caption = self.pairs.pair(index)
        ids = torch.tensor(caption_token_ids(caption, self.seq_len, self.tokenizer))
        if not self.with_targets:
            return {"images": image, self.text_key: ids}
        targets = ids[1:].clone()
        targets[targets == self.tokenizer.pad_id] = CAPTION_IGNORE_INDEX
        return {"images": image, "input_ids": ids[:-1], "targets": targets}


def _caption_file_pairs(cfg: dict, source: str, seed: int):
    """(train pairs, held-out pairs) from a JSONL file (split by val_fraction) or a folder
    holding train.jsonl and val.jsonl (or test.jsonl)."""
    path = Path(source)
    if path.is_dir():
        train_file = path / "train.jsonl"
        held_out = [path / name for name in CAPTION_HELD_OUT_FILES if (path / name).is_file()]
        if not train_file.is_file():
            raise FileNotFoundError(
                f"folder {path} has no train.jsonl; pass a .jsonl file of image-caption pairs, "
                "or a folder with train.jsonl and val.jsonl (or test.jsonl)."
            )
        train = read_caption_jsonl(train_file)
        if held_out:
            return train, read_caption_jsonl(held_out[0])
        path, pairs = train_file, train
    else:
        pairs = read_caption_jsonl(path)
    train_idx, val_idx = split_indices(len(pairs), float(cfg["val_fraction"]), seed)
    return [pairs[i] for i in train_idx], [pairs[i] for i in val_idx]


def image_caption_pairs(cfg: dict, source: str, seed: int):
    """(train, held-out) pair datasets: synthetic shapes, or user JSONL data."""
    size, channels = int(cfg["image_size"]), int(cfg["channels"])
    if source == "synthetic":
        args = (size, channels)
        classes = int(cfg["num_classes"])
        # Separate seeds per split: no held-out image is a training image.
        train = ShapesDataset(int(cfg["num_train"]), *args, 2 * seed, classes)
        val = ShapesDataset(int(cfg["num_val"]), *args, 2 * seed + 1, classes)
        return ShapeCaptions(train), ShapeCaptions(val)
    train, val = _caption_file_pairs(cfg, source, seed)
    return (
        ImageCaptionFile(train, size, channels, source),
        ImageCaptionFile(val, size, channels, source),
    )


def caption_info(task: str, cfg: dict, source: str, train, val) -> dict:
    """What the run's data was, and the held-out captions' context-free baseline: the
    unigram entropy of their target tokens (bytes and eos)."""
    tokenizer, seq_len = ByteTokenizer(), int(cfg["seq_len"])
    captions = [val.caption(i) for i in range(len(val))]
    targets = [
        t
        for c in captions
        for t in caption_token_ids(c, seq_len, tokenizer)[1:]
        if t != tokenizer.pad_id
    ]
    longest = max(len(tokenizer.encode(c)) for c in captions)
    return {
        "task": task,
        "source": source,
        "tokenizer": tokenizer.name,
        "vocab_size": tokenizer.vocab_size,
        "seq_len": seq_len,
        "image_size": int(cfg["image_size"]),
        "channels": int(cfg["channels"]),
        "num_train": len(train),
        "num_val": len(val),
        "num_distinct_val_captions": len(set(captions)),
        "val_caption_examples": captions[:3],
        "val_captions_cut": sum(len(tokenizer.encode(c)) > seq_len - 2 for c in captions),
        "longest_val_caption_bytes": longest,
        "caption_unigram_entropy_nats": unigram_entropy_nats(targets),
    }


def build_contrastive_datasets(cfg: dict, source: str, seed: int):
    train, val = image_caption_pairs(cfg, source, seed)
    info = caption_info("contrastive", cfg, source, train, val)
    seq_len = int(cfg["seq_len"])
    return (
        CaptionedImages(train, seq_len, with_targets=False),
        CaptionedImages(val, seq_len, with_targets=False),
        info,
    )


def build_vlm_datasets(cfg: dict, source: str, seed: int):
    train, val = image_caption_pairs(cfg, source, seed)
    info = caption_info("vlm", cfg, source, train, val)
    seq_len = int(cfg["seq_len"])
    return (
        CaptionedImages(train, seq_len, with_targets=True),
        CaptionedImages(val, seq_len, with_targets=True),
        info,
    )
