"""Plain-text sources, token windows for next-token prediction, and a train/val split."""

import math
from pathlib import Path

import torch
from torch.utils.data import Dataset

from metagen.data.synthetic_text import make_synthetic_text
from metagen.data.text_tokenizer import text_tokenizer

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


def held_out_count(n: int, val_fraction: float) -> int:
    """How many of `n` tokens (or characters) the held-out split takes: at least one, and
    fewer than all."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction ({val_fraction}) must be between 0 and 1")
    n_val = max(1, int(round(n * val_fraction)))
    if n_val >= n:
        raise ValueError(f"cannot split {n} tokens with val_fraction {val_fraction}")
    return n_val


def split_tokens(ids, val_fraction: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Hold out the last `val_fraction` of the tokens (contiguous, so no window spans both)."""
    ids = torch.as_tensor(ids, dtype=torch.long)
    n_val = held_out_count(len(ids), val_fraction)
    return ids[:-n_val], ids[-n_val:]


class TokenWindows(Dataset):
    """Windows of `seq_len` tokens with next-token targets, starting every `stride` tokens;
    with `token_bytes` (the UTF-8 bytes each token covers) a window also carries its targets'
    bytes, for bits per byte."""

    def __init__(self, tokens, seq_len: int, stride: int | None = None, token_bytes=None):
        self.tokens = torch.as_tensor(tokens, dtype=torch.long).flatten()
        self.token_bytes = token_bytes
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
        window = {"input_ids": chunk[:-1], "targets": chunk[1:]}
        if self.token_bytes is not None:
            window["target_bytes"] = self.token_bytes[start + 1 : start + self.seq_len + 1]
        return window


def source_text(cfg: dict, source: str, seed: int, window: int) -> str:
    """Synthetic text, or a user's text file or folder that gives each split of
    cfg["val_fraction"] at least `window` bytes."""
    if source == "synthetic":
        return make_synthetic_text(int(cfg["synthetic_chars"]), seed)
    val_fraction = float(cfg["val_fraction"])
    min_chars = math.ceil(window / min(val_fraction, 1.0 - val_fraction))
    return read_text_source(source, min_chars=min_chars)


def byte_level_widths(tokenizer) -> torch.Tensor | None:
    """Bytes per token id of a byte-level tokenizer (GPT-2's, Llama 3's, a trained BPE), whose
    every character stands for one byte: exact even for a token that holds part of a
    character. None for other tokenizers (WordPiece, SentencePiece)."""
    from tokenizers import decoders

    if not isinstance(tokenizer.tokenizer.decoder, decoders.ByteLevel):
        return None
    widths = torch.zeros(tokenizer.vocab_size, dtype=torch.long)  # specials cover no text
    for token, index in tokenizer.tokenizer.get_vocab(with_added_tokens=False).items():
        widths[index] = len(token)
    return widths


def encode_with_bytes(tokenizer, text: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids, bytes) of a tokenizer.json's tokens of `text`: a byte-level token's own bytes;
    otherwise the bytes from the previous token's end to its own (the offsets), so that the
    counts sum to the text's bytes."""
    encoding = tokenizer.tokenizer.encode(text, add_special_tokens=False)
    ids = torch.tensor(encoding.ids, dtype=torch.long)
    widths = byte_level_widths(tokenizer)
    if widths is not None:
        return ids, widths[ids]
    ends = torch.tensor([end for _, end in encoding.offsets], dtype=torch.long)  # in chars
    if not text.isascii():  # chars -> bytes: 1 to 4 per code point
        points = torch.frombuffer(bytearray(text.encode("utf-32-le")), dtype=torch.int32)
        widths = 1 + (points >= 0x80).long() + (points >= 0x800).long() + (points >= 0x10000).long()
        ends = torch.cat([torch.zeros(1, dtype=torch.long), widths.cumsum(0)])[ends]
    ends = ends.cummax(0).values  # an end trimmed of whitespace never moves backwards
    counts = torch.diff(ends, prepend=torch.zeros(1, dtype=torch.long))
    if len(counts):
        counts[-1] += len(text.encode("utf-8")) - int(ends[-1])  # bytes after the last token
    return ids, counts


def tokenized_text_splits(cfg: dict, source: str, seed: int, default, window: int):
    """(tokenizer, (train ids, bytes), (held-out ids, bytes)). The byte tokenizer splits the
    tokens by cfg["val_fraction"] (each token one byte: bytes None); a tokenizer.json, given
    or trained on the training split alone, encodes the two splits of the text."""
    text = source_text(cfg, source, seed, window)
    val_fraction = float(cfg["val_fraction"])
    if not cfg.get("tokenizer_file") and cfg.get("tokenizer", "byte") == "byte":
        train_ids, val_ids = split_tokens(default.encode(text), val_fraction)
        return default, (train_ids, None), (val_ids, None)
    cut = len(text) - held_out_count(len(text), val_fraction)  # in characters
    tokenizer = text_tokenizer(cfg, text[:cut].splitlines(keepends=True), default)
    train, val = text[:cut], text[cut:]
    return tokenizer, encode_with_bytes(tokenizer, train), encode_with_bytes(tokenizer, val)
