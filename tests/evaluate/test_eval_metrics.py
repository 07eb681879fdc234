import math

import numpy as np
import pytest
import torch
from sklearn import metrics as skm

from metagen.evaluate.metrics import (
    accuracy,
    bits_per_byte,
    confusion_matrix,
    macro_f1,
    mean_cross_entropy,
    perplexity,
    top_k_accuracy,
)

torch.set_num_threads(1)


@pytest.mark.parametrize("seed", range(5))
def test_classification_metrics_match_scikit_learn(seed):
    g = torch.Generator().manual_seed(seed)
    num_classes = 7
    logits = torch.randn(300, num_classes, generator=g)
    labels = torch.randint(0, num_classes, (300,), generator=g)
    labels[:50] = logits[:50].argmax(-1)  # some signal
    preds = logits.argmax(-1)
    assert accuracy(logits, labels) == pytest.approx(skm.accuracy_score(labels, preds), abs=1e-12)
    for k in (1, 3, 5):
        expected = skm.top_k_accuracy_score(labels, logits.numpy(), k=k, labels=range(7))
        assert top_k_accuracy(logits, labels, k) == pytest.approx(expected, abs=1e-12)
    expected_f1 = skm.f1_score(labels, preds, average="macro")
    assert abs(macro_f1(preds, labels) - expected_f1) < 1e-6
    assert abs(macro_f1(preds, labels, num_classes=10) - expected_f1) < 1e-6
    np.testing.assert_array_equal(
        confusion_matrix(preds, labels, num_classes).numpy(),
        skm.confusion_matrix(labels, preds, labels=range(num_classes)),
    )


def test_macro_f1_with_classes_missing_from_predictions_or_labels():
    labels = torch.tensor([0, 0, 1, 1, 2, 2, 5])
    preds = torch.tensor([0, 1, 1, 1, 3, 3, 5])  # class 2 never predicted, 3 never true
    expected = skm.f1_score(labels, preds, average="macro", zero_division=0)
    assert abs(macro_f1(preds, labels) - expected) < 1e-6
    assert macro_f1(labels, labels) == 1.0


def test_language_model_metrics():
    logits = torch.zeros(2, 3, 16)  # uniform over 16 tokens
    targets = torch.randint(0, 16, (2, 3))
    loss = mean_cross_entropy(logits, targets)
    assert loss == pytest.approx(math.log(16))
    assert perplexity(loss) == pytest.approx(16.0)
    assert bits_per_byte(loss) == pytest.approx(4.0)
    assert bits_per_byte(loss, bytes_per_token=4.0) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="exceeds"):
        top_k_accuracy(torch.zeros(2, 3), torch.tensor([0, 1]), 5)
