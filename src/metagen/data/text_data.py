"""Plain-text sources, token windows for next-token prediction, and a train/val split."""

import math
from pathlib import Path

import torch
from torch.utils.data import Dataset

from metagen.data.synthetic_text import make_synthetic_text

TEXT_SUFFIXES = (".txt", ".md")


def read_utf8_text(path: Path) -> str:
    """The text of a UTF-8 file; a binary or otherwise encoded file is a ValueError naming it."""
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ValueError(
            f"{path} looks like a binary file (it contains NUL bytes), not UTF-8 text; "
            "pass a text file saved as UTF-8."
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{path} is not valid UTF-8 (byte {err.start}); re-save it as UTF-8 text."
        ) from None


def read_text_source(path, *, min_chars: int = 1) -> str:
    """A UTF-8 text file, or every *.txt/*.md file under a folder (sorted, joined by blank lines)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"text source {path} does not exist; pass an existing .txt file or folder, "
            "or use --data synthetic."
        )
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
        )
        if not files:
            raise ValueError(
                f"folder {path} holds no .txt or .md files; add some text files to it."
            )
        text = "\n\n".join(read_utf8_text(p) for p in files)
    else:
        text = read_utf8_text(path)
    if not text.strip():
        raise ValueError(f"text source {path} is empty; add text to it.")
    size = len(text.encode("utf-8"))
    if size < min_chars:
        raise ValueError(
            f"text source {path} has {size} bytes but at least {min_chars} are needed "
            "for one training and one validation window; add more text or lower data.seq_len."
        )
    return text


def split_tokens(ids, val_fraction: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Hold out the last `val_fraction` of the tokens (contiguous, so no window spans both)."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction ({val_fraction}) must be between 0 and 1")
    ids = torch.as_tensor(ids, dtype=torch.long)
    n_val = max(1, int(round(len(ids) * val_fraction)))
    if n_val >= len(ids):
        raise ValueError(f"cannot split {len(ids)} tokens with val_fraction {val_fraction}")
    return ids[:-n_val], ids[-n_val:]


class TokenWindows(Dataset):
    """Windows of `seq_len` tokens with next-token targets, starting every `stride` tokens."""

    def __init__(self, tokens, seq_len: int, stride: int | None = None):
        self.tokens = torch.as_tensor(tokens, dtype=torch.long).flatten()
        self.seq_len = seq_len
        self.stride = stride or seq_len
        if seq_len <= 0 or self.stride <= 0:
            raise ValueError(f"seq_len ({seq_len}) and stride ({stride}) must be positive")
        if len(self.tokens) < seq_len + 1:
            raise ValueError(
                f"{len(self.tokens)} tokens cannot fill one window of seq_len {seq_len} "
                f"(needs {seq_len + 1}); add more text or lower data.seq_len."
            )

    def __len__(self) -> int:
        return (len(self.tokens) - self.seq_len - 1) // self.stride + 1

    def __getitem__(self, index: int) -> dict:
        if not 0 <= index < len(self):
            raise IndexError(f"window {index} out of range for {len(self)} windows")
        start = index * self.stride
        chunk = self.tokens[start : start + self.seq_len + 1]
        return {"input_ids": chunk[:-1], "targets": chunk[1:]}


def text_token_splits(cfg: dict, source: str, seed: int, tokenizer, window: int):
    """(train ids, held-out ids) of synthetic text or a user's text file or folder, split by
    cfg["val_fraction"]; a user's text must give each split at least `window` tokens."""
    val_fraction = float(cfg["val_fraction"])
    if source == "synthetic":
        text = make_synthetic_text(int(cfg["synthetic_chars"]), seed)
    else:
        min_chars = math.ceil(window / min(val_fraction, 1.0 - val_fraction))
        text = read_text_source(source, min_chars=min_chars)
    return split_tokens(tokenizer.encode(text), val_fraction)
