import math

import pytest
import torch
from sklearn import metrics as skm
from torch import nn
from torch.utils.data import Dataset

from metagen.tasks.runtime import evaluate_model

torch.set_num_threads(1)


class FixedImages(Dataset):
    def __init__(self, n=37, num_classes=6, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.images = torch.randn(n, 3, 4, 4, generator=g)
        self.labels = torch.randint(0, num_classes, (n,), generator=g)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"images": self.images[i], "labels": self.labels[i]}


class LinearClassifier(nn.Module):
    def __init__(self, num_classes=6):
        super().__init__()
        self.fc = nn.Linear(48, num_classes)

    def forward(self, images):
        return self.fc(images.flatten(1))


class UniformLM(nn.Module):
    def __init__(self, vocab_size=259):
        super().__init__()
        self.vocab_size = vocab_size
        self.bias = nn.Parameter(torch.zeros(vocab_size))

    def forward(self, input_ids):
        return self.bias.expand(*input_ids.shape, self.vocab_size)  # (B, T, V)


def test_classification_evaluation_matches_reference():
    torch.manual_seed(0)
    data, model = FixedImages(), LinearClassifier()
    model.train()
    results = evaluate_model(model, "classification", data, batch_size=8)
    assert model.training  # mode restored
    with torch.no_grad():
        logits = model(images=data.images)
    preds = logits.argmax(-1)
    assert results["num_samples"] == 37
    assert results["accuracy"] == pytest.approx(skm.accuracy_score(data.labels, preds))
    assert abs(results["macro_f1"] - skm.f1_score(data.labels, preds, average="macro")) < 1e-6
    expected_top5 = skm.top_k_accuracy_score(data.labels, logits.numpy(), k=5, labels=range(6))
    assert results["top5_accuracy"] == pytest.approx(expected_top5)
    expected_loss = nn.functional.cross_entropy(logits, data.labels).item()
    assert results["loss"] == pytest.approx(expected_loss, rel=1e-5)
    limited = evaluate_model(model, "classification", data, batch_size=8, max_batches=2)
    assert limited["num_samples"] == 16


def test_top5_is_absent_with_fewer_than_five_classes():
    data, model = FixedImages(num_classes=3), LinearClassifier(num_classes=3)
    results = evaluate_model(model, "classification", data, batch_size=16)
    assert "top5_accuracy" not in results and results["num_samples"] == 37


def test_language_model_evaluation_of_a_uniform_model():
    from metagen.data.text_data import TokenWindows

    data = TokenWindows(torch.randint(0, 256, (200,)), seq_len=16)
    results = evaluate_model(UniformLM(), "language_modeling", data, batch_size=4)
    assert results["loss"] == pytest.approx(math.log(259))
    assert results["perplexity"] == pytest.approx(259, rel=1e-6)
    assert results["bits_per_byte"] == pytest.approx(math.log2(259))
    assert results["num_tokens"] == 12 * 16 and results["num_samples"] == 12


def test_unknown_task_is_rejected():
    with pytest.raises(ValueError, match="known tasks"):
        evaluate_model(UniformLM(), "detection", [], batch_size=1)
