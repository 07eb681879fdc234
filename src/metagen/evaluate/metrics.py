"""Classification and language-model metrics in plain torch."""

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
