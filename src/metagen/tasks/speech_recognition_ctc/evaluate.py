"""Held-out evaluation of the CTC recognizer (evaluate/speech_eval.py scores the
transcripts)."""

import torch

from metagen.data.speech_items import SPEECH_IGNORE_INDEX
from metagen.evaluate.speech_eval import _evaluate_speech
from metagen.tasks.speech_recognition_ctc.loss import speech_ctc_loss


def _ctc_loss_sum(outputs: torch.Tensor, batch: dict) -> tuple[float, int]:
    """Summed per-clip CTC loss over transcript length (torch's "mean" before the batch
    average), and the clip count."""
    per_clip = speech_ctc_loss(outputs, batch, reduction="none")  # (B,)
    lengths = (batch["targets"] != SPEECH_IGNORE_INDEX).sum(dim=1).clamp_min(1)
    return float((per_clip / lengths).sum()), int(per_clip.numel())


def evaluate_speech_ctc(model, batches, device) -> dict:
    return _evaluate_speech(model, batches, device, _ctc_loss_sum)
