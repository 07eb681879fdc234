"""Classification, ranking and language-model metrics in plain torch."""

import math

import torch


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of rows whose argmax is the label; logits (N, K), labels (N,)."""
    return int((logits.argmax(dim=-1) == labels).sum()) / labels.numel()


def top_k_accuracy(logits: torch.Tensor, labels: torch.Tensor, k: int) -> float:
    """Fraction of rows whose label is among the k highest logits."""
    if k > logits.size(-1):
        raise ValueError(f"k ({k}) exceeds the number of classes ({logits.size(-1)})")
    top = logits.topk(k, dim=-1).indices  # (N, k)
    return int((top == labels[:, None]).any(dim=-1).sum()) / labels.numel()


def confusion_matrix(preds: torch.Tensor, labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Counts (num_classes, num_classes); row = true label, column = prediction."""
    flat = labels.long() * num_classes + preds.long()
    counts = torch.bincount(flat, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def macro_f1_from_confusion(confusion: torch.Tensor) -> float:
    """Mean F1 over classes that occur as a label or a prediction (scikit-learn's default)."""
    confusion = confusion.double()
    tp = confusion.diag()
    predicted, actual = confusion.sum(dim=0), confusion.sum(dim=1)
    present = (predicted + actual) > 0
    if not present.any():
        return 0.0
    f1 = 2 * tp[present] / (predicted[present] + actual[present])
    return float(f1.mean())


def macro_f1(preds: torch.Tensor, labels: torch.Tensor, num_classes: int | None = None) -> float:
    """Macro-averaged F1 of predicted class ids against true ones."""
    if num_classes is None:
        num_classes = int(max(preds.max(), labels.max())) + 1
    return macro_f1_from_confusion(confusion_matrix(preds, labels, num_classes))


def mean_cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Mean next-token loss in nats; logits (..., V), targets (...)."""
    return float(
        torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1)
        )
    )


def perplexity(mean_loss_nats: float) -> float:
    return math.exp(min(mean_loss_nats, 700.0))


def bits_per_byte(mean_loss_nats: float, bytes_per_token: float = 1.0) -> float:
    """Loss per token in bits divided by the UTF-8 bytes a token covers on average (1 for
    byte tokens): the same text's bits per byte whatever its tokenizer."""
    return mean_loss_nats / math.log(2) / bytes_per_token


def roc_auc(scores: torch.Tensor, labels: torch.Tensor) -> float:
    """The probability that a positive (labels True) outscores a negative, ties counting
    half (Mann-Whitney U over average ranks; equal to the area under the ROC curve)."""
    scores, labels = scores.double(), labels.bool()
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if positives == 0 or negatives == 0:
        raise ValueError("ROC-AUC needs both anomalous and normal points")
    order = scores.argsort()
    sorted_scores = scores[order]
    ranks = torch.empty_like(scores)
    ranks[order] = torch.arange(1, len(scores) + 1, dtype=torch.float64)
    # ties share the mean of their ranks
    unique, inverse = torch.unique(sorted_scores, return_inverse=True)
    rank_sum = torch.zeros(len(unique), dtype=torch.float64).index_add_(0, inverse, ranks[order])
    counts = torch.bincount(inverse, minlength=len(unique)).double()
    ranks[order] = (rank_sum / counts)[inverse]
    u = float(ranks[labels].sum()) - positives * (positives + 1) / 2
    return u / (positives * negatives)
