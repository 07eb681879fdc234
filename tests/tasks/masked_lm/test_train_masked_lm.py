"""The masked-LM task: its loss, its held-out metrics and baselines, and a short training run
that must beat the best predictor that ignores context."""

import math
from collections import Counter

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from metagen.archs.build import build_from_dims
from metagen.tasks.masked_lm.evaluate import no_context_baseline, unigram_baseline
from metagen.tasks.runtime import LOSSES, build_datasets, evaluate_model, train_model

torch.set_num_threads(1)


def random_batch(seed=0, batch=3, length=10, vocab=11):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(batch, length, vocab, generator=g)
    targets = torch.full((batch, length), -100)
    picked = torch.rand(batch, length, generator=g) < 0.3
    picked[0, 0] = True
    targets[picked] = torch.randint(vocab, (int(picked.sum()),), generator=g)
    return logits, targets


def test_loss_is_cross_entropy_over_the_masked_positions_only():
    logits, targets = random_batch()
    loss = LOSSES["masked_lm"](logits, {"targets": targets})
    # By hand: -log softmax at each predicted position, averaged over those positions.
    terms = []
    for b, t in zip(*torch.nonzero(targets != -100, as_tuple=True), strict=True):
        log_probs = logits[b, t] - torch.logsumexp(logits[b, t], dim=-1)
        terms.append(-log_probs[targets[b, t]])
    torch.testing.assert_close(loss, torch.stack(terms).mean())
    # Logits at unpredicted positions do not matter.
    noisy = logits.clone()
    noisy[targets == -100] = 1e3 * torch.randn_like(noisy[targets == -100])
    torch.testing.assert_close(LOSSES["masked_lm"](noisy, {"targets": targets}), loss)


def test_baselines_match_counts_by_hand():
    g = torch.Generator().manual_seed(0)
    inputs = torch.randint(6, (400,), generator=g)
    copy = torch.rand(400, generator=g) < 0.5
    targets = torch.where(copy, inputs, torch.randint(9, (400,), generator=g))
    n = len(targets)
    unigram = Counter(targets.tolist())
    entropy = -sum(c / n * math.log(c / n) for c in unigram.values())
    assert unigram_baseline(targets) == pytest.approx((entropy, max(unigram.values()) / n))
    pairs, per_input = (
        Counter(zip(inputs.tolist(), targets.tolist(), strict=True)),
        Counter(inputs.tolist()),
    )
    conditional = -sum(c / n * math.log(c / per_input[i]) for (i, _), c in pairs.items())
    best = sum(max(c for (i2, _), c in pairs.items() if i2 == i) for i in per_input)
    assert no_context_baseline(inputs, targets) == pytest.approx((conditional, best / n))
    assert conditional < entropy  # seeing the input token helps: half the targets copy it


class PairsDataset(torch.utils.data.Dataset):
    def __init__(self, logits, targets):
        self.logits, self.targets = logits, targets

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        return {"input_ids": torch.full_like(self.targets[i], i), "targets": self.targets[i]}


class TableModel(nn.Module):
    """Returns fixed logits per sample (the sample's index is in every input id)."""

    def __init__(self, logits):
        super().__init__()
        self.logits = nn.Parameter(logits)

    def forward(self, input_ids):
        return self.logits[input_ids[:, 0]]


def test_evaluator_matches_a_hand_computation():
    logits, targets = random_batch(seed=1, batch=7)
    results = evaluate_model(
        TableModel(logits), "masked_lm", PairsDataset(logits, targets), batch_size=3
    )
    picked = targets != -100
    expected = F.cross_entropy(logits[picked], targets[picked])
    assert results["loss"] == pytest.approx(float(expected))
    accuracy = (logits[picked].argmax(-1) == targets[picked]).float().mean()
    assert results["accuracy"] == pytest.approx(float(accuracy))
    assert results["num_masked_tokens"] == int(picked.sum()) and results["num_samples"] == 7
    assert results["unigram_baseline_loss"] == pytest.approx(unigram_baseline(targets[picked])[0])
    assert results["perplexity"] == pytest.approx(math.exp(results["loss"]))


# One layer, 8-token windows: about 20 s on a CPU core. Measured with seed 0: held-out masked
# loss 2.34 (accuracy 0.354) against 2.76 (0.278) for the best predictor that sees only the
# token at the predicted position and 3.42 (0.133) for the unigram distribution; seeds 1 and 2
# gave 2.32 and 2.06 against 2.76 and 2.77.
FAST = {
    "dims": {
        "vocab_size": 320,
        "context_length": 64,
        "type_vocab_size": 1,
        "d_model": 128,
        "n_layers": 1,
        "n_heads": 4,
        "d_ff": 512,
        "norm_position": "post",
        "pooler": False,
        "norm_eps": 1e-12,
        "dropout": 0.0,
    },
    "data": {"seq_len": 8, "synthetic_chars": 100_000},
    "train": {
        "steps": 200,
        "batch_size": 128,
        "lr": 3e-3,
        "min_lr_ratio": 0.1,
        "warmup_steps": 20,
        "weight_decay": 0.0,
        "grad_clip": 1.0,
        "eval_every": 0,
        "eval_batches": 20,
        "checkpoint_every": 0,
        "seed": 0,
    },
}


def test_short_training_beats_the_context_free_baselines(tmp_path):
    train, val, _ = build_datasets("masked_lm", FAST["data"], "synthetic", seed=0)
    torch.manual_seed(0)
    model = build_from_dims("encoder_mlm", FAST["dims"])
    metrics = train_model(
        model,
        task="masked_lm",
        train_ds=train,
        val_ds=val,
        cfg=FAST["train"],
        out_dir=tmp_path,
        progress=False,
        log_fn=lambda *args: None,
    )
    final = metrics["eval"]
    assert final["loss"] < 0.9 * final["no_context_baseline_loss"]
    assert final["loss"] < 0.75 * final["unigram_baseline_loss"]
    assert final["accuracy"] > final["no_context_baseline_accuracy"] + 0.05
