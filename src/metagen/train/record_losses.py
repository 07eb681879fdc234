"""Losses of the record tasks: regression (MSE or Huber), embedding (in-batch InfoNCE or
batch-hard triplet) and ranking (pairwise RankNet or listwise ListNet).

`variant` picks one where a task has a choice; it comes from the train config's
`loss_variant` (config.json), the first of each list being the default.
"""

import torch
import torch.nn.functional as F

LOSS_VARIANTS = {
    "regression": ("mse", "huber"),
    "embedding": ("infonce", "triplet"),
    "ranking": ("ranknet", "listnet"),
}
# InfoNCE divides cosine similarities by this (SimCSE uses 0.05, CLIP starts at 0.07).
EMBEDDING_TEMPERATURE = 0.1
# Batch-hard triplet: the positive must beat the hardest negative by this cosine margin.
TRIPLET_MARGIN = 0.2
# Huber's quadratic zone, in target standard deviations (targets are standardized).
HUBER_DELTA = 1.0


def _check_variant(task: str, variant: str) -> None:
    if variant not in LOSS_VARIANTS[task]:
        raise ValueError(
            f"loss_variant {variant!r} is not a {task} loss; choose one of "
            f"{', '.join(LOSS_VARIANTS[task])} in config.json's train section"
        )


def regression_loss(outputs, batch: dict, label_smoothing: float = 0.0, variant: str = "mse"):
    """MSE (or Huber) between outputs and targets, both (B, D) in standardized units."""
    _check_variant("regression", variant)
    pred, target = outputs.float(), batch["targets"].float()
    if variant == "huber":
        return F.huber_loss(pred, target, delta=HUBER_DELTA)
    return F.mse_loss(pred, target)


def pair_similarity(outputs) -> torch.Tensor:
    """Cosine similarity (B, B) of every anchor (outputs[:, 0]) with every positive
    (outputs[:, 1]); outputs (B, 2, E)."""
    anchors = F.normalize(outputs[:, 0].float(), dim=-1)
    positives = F.normalize(outputs[:, 1].float(), dim=-1)
    return anchors @ positives.T


def embedding_loss(outputs, batch: dict, label_smoothing: float = 0.0, variant: str = "infonce"):
    """Anchor i must pick its own positive among the batch's; positives of other pairs in the
    same group (batch["labels"]) are neither positives nor negatives, so they are left out."""
    _check_variant("embedding", variant)
    similarity = pair_similarity(outputs)  # (B, B)
    groups = batch["labels"]
    eye = torch.eye(len(groups), dtype=torch.bool, device=similarity.device)
    other_same = (groups[:, None] == groups[None, :]) & ~eye
    if variant == "triplet":
        hardest = similarity.masked_fill(other_same | eye, float("-inf")).max(dim=1).values
        hardest = torch.where(torch.isinf(hardest), torch.zeros_like(hardest), hardest)
        return F.relu(TRIPLET_MARGIN - similarity.diagonal() + hardest).mean()
    logits = (similarity / EMBEDDING_TEMPERATURE).masked_fill(other_same, float("-inf"))
    targets = torch.arange(len(groups), device=logits.device)
    return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2


def ranking_loss(outputs, batch: dict, label_smoothing: float = 0.0, variant: str = "ranknet"):
    """outputs (B, L, 1) scores, batch["targets"] (B, L) grades, -1 for padding items."""
    _check_variant("ranking", variant)
    scores, grades = outputs.float().squeeze(-1), batch["targets"].float()
    valid = grades >= 0
    if variant == "listnet":  # cross-entropy between the top-one distributions
        target = torch.softmax(grades.masked_fill(~valid, float("-inf")), dim=-1)
        log_probs = torch.log_softmax(scores.masked_fill(~valid, float("-inf")), dim=-1)
        return -(target * log_probs.masked_fill(~valid, 0.0)).sum(dim=-1).mean()
    # RankNet: -log sigmoid(s_i - s_j) over pairs where item i is more relevant than j
    pairs = (grades[:, :, None] > grades[:, None, :]) & valid[:, :, None] & valid[:, None, :]
    margins = scores[:, :, None] - scores[:, None, :]  # (B, L, L)
    if not pairs.any():
        return scores.sum() * 0.0
    return F.softplus(-margins[pairs]).mean()
