"""Held-out evaluation of the encoder-decoder recognizer (evaluate/speech_eval.py scores the
transcripts)."""

import torch
import torch.nn.functional as F

from metagen.data.speech_items import SPEECH_IGNORE_INDEX
from metagen.evaluate.speech_eval import _evaluate_speech


def _seq2seq_loss_sum(outputs: torch.Tensor, batch: dict) -> tuple[float, int]:
    """Summed cross-entropy over the predicted tokens, and their count."""
    targets = batch["targets"]
    loss = F.cross_entropy(
        outputs.reshape(-1, outputs.size(-1)).float(),
        targets.reshape(-1),
        ignore_index=SPEECH_IGNORE_INDEX,
        reduction="sum",
    )
    return float(loss), int((targets != SPEECH_IGNORE_INDEX).sum())


def evaluate_speech_seq2seq(model, batches, device) -> dict:
    return _evaluate_speech(model, batches, device, _seq2seq_loss_sum)
