"""The CTC recognizer's loss."""

import torch
import torch.nn.functional as F

from metagen.data.speech_items import SPEECH_IGNORE_INDEX


def speech_ctc_loss(outputs, batch: dict, label_smoothing: float = 0.0, reduction: str = "mean"):
    """CTC over every encoder position; the blank is the last class. "mean" divides each
    clip's loss by its transcript length, then averages over the batch (torch's default)."""
    log_probs = outputs.float().log_softmax(dim=-1).transpose(0, 1)  # (S, B, V)
    targets = batch["targets"]  # (B, L), SPEECH_IGNORE_INDEX past each transcript
    target_lengths = (targets != SPEECH_IGNORE_INDEX).sum(dim=1)  # (B,)
    S, B, V = log_probs.size()
    input_lengths = torch.full((B,), S, dtype=torch.long, device=targets.device)
    return F.ctc_loss(
        log_probs,
        targets.clamp_min(0),  # padding is never read past target_lengths
        input_lengths,
        target_lengths,
        blank=V - 1,
        reduction=reduction,
        zero_infinity=True,
    )
