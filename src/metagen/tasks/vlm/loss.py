"""The captioning (VLM) loss: next-token cross-entropy on the caption."""

import torch.nn.functional as F

from metagen.data.image_captions import CAPTION_IGNORE_INDEX


def caption_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    """Next-token cross-entropy on the caption tokens; padding targets are ignored."""
    logits = outputs  # (B, T, V)
    targets = batch["targets"]  # (B, T)
    return F.cross_entropy(
        logits.reshape(-1, logits.size(-1)).float(),
        targets.reshape(-1),
        ignore_index=CAPTION_IGNORE_INDEX,
        label_smoothing=label_smoothing,
    )
