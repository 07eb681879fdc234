"""Sequence-labelling loss: cross-entropy per word, or a CRF's negative log-likelihood per
word when the model has a CRF. Padding (target -100, word id 0) is left out."""

import torch.nn.functional as F

from metagen.tasks.sequence_labeling.loss_crf import crf_log_likelihood


def sequence_labeling_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    emissions = outputs["emissions"].float()  # (B, T, K)
    targets = batch["targets"]  # (B, T), -100 at padding
    if "transitions" not in outputs:
        return F.cross_entropy(
            emissions.reshape(-1, emissions.size(-1)),
            targets.reshape(-1),
            ignore_index=-100,
            label_smoothing=label_smoothing,
        )
    mask = targets != -100
    tags = targets.clamp(min=0)
    log_likelihood = crf_log_likelihood(
        emissions,
        tags,
        mask,
        outputs["start_transitions"].float(),
        outputs["transitions"].float(),
        outputs["end_transitions"].float(),
    )
    return -log_likelihood.sum() / mask.sum()
