"""The contrastive (CLIP) loss: symmetric InfoNCE."""

import torch
import torch.nn.functional as F


def symmetric_info_nce(logits: torch.Tensor, label_smoothing: float = 0.0) -> torch.Tensor:
    """CLIP's loss on logits_per_image (B, B), matched pairs on the diagonal: the mean of
    image->text and text->image cross-entropy."""
    logits = logits.float()
    labels = torch.arange(logits.size(0), device=logits.device)  # (B,)
    image_to_text = F.cross_entropy(logits, labels, label_smoothing=label_smoothing)
    text_to_image = F.cross_entropy(logits.t(), labels, label_smoothing=label_smoothing)
    return (image_to_text + text_to_image) / 2


def contrastive_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    return symmetric_info_nce(outputs, label_smoothing)
