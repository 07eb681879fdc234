"""The encoder-decoder recognizer's loss: cross-entropy on the transcript under teacher forcing."""

import torch.nn.functional as F

from metagen.data.speech_items import SPEECH_IGNORE_INDEX


def speech_seq2seq_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    """Mean cross-entropy over the transcript tokens and the end token; padding is skipped."""
    logits = outputs  # (B, T, V)
    return F.cross_entropy(
        logits.reshape(-1, logits.size(-1)).float(),
        batch["targets"].reshape(-1),
        ignore_index=SPEECH_IGNORE_INDEX,
        label_smoothing=label_smoothing,
    )
