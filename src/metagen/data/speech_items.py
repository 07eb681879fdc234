"""One speech recognition example as tensors: the clip and its transcript's byte tokens."""

import numpy as np
import torch

from metagen.data.tokenizer import ByteTokenizer

SPEECH_IGNORE_INDEX = -100  # target padding, skipped by both losses


def speech_positions(clip_samples: int, hop_length: int) -> int:
    """The encoder's positions for a clip (nn/speech_frontend.py speech_tokens)."""
    return (clip_samples // hop_length - 1) // 2 + 1


def ctc_min_positions(ids: list[int]) -> int:
    """Positions CTC needs for `ids`: one per token, plus a blank between equal neighbours."""
    return len(ids) + sum(a == b for a, b in zip(ids, ids[1:], strict=False))


def speech_item(waveform: np.ndarray, text: str, text_len: int, ctc: bool) -> dict:
    """One training example. Encoder-decoder: the decoder reads bos + transcript and predicts
    transcript + eos. CTC: the transcript's tokens are the targets. Padded to text_len."""
    tokenizer = ByteTokenizer()
    ids = tokenizer.encode(text)
    targets = ids if ctc else ids + [tokenizer.eos_id]
    if len(targets) > text_len:
        raise ValueError(f"transcript {text!r} needs {len(targets)} tokens, over {text_len}")
    pad = text_len - len(targets)
    item = {
        "waveform": torch.from_numpy(np.ascontiguousarray(waveform, dtype=np.float32)),
        "targets": torch.tensor(targets + [SPEECH_IGNORE_INDEX] * pad, dtype=torch.long),
    }
    if not ctc:
        inputs = [tokenizer.bos_id] + ids + [tokenizer.pad_id] * pad
        item["input_ids"] = torch.tensor(inputs, dtype=torch.long)
    return item
