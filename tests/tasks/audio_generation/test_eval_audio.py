"""The audio-generation evaluator against a direct computation: cross-entropy over every
held-out sample, and the unigram entropy of those samples by scipy."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from scipy.stats import entropy
from tests.archs.small_dims import SMALL_DIMS

from metagen.archs.build import build_from_dims
from metagen.data.synthetic_audio import SyntheticMusicDataset
from metagen.tasks.runtime import evaluate_model

torch.set_num_threads(1)


def test_audio_generation_metrics_match_a_direct_computation():
    dims = SMALL_DIMS["audio_lm"]["gqa"]
    torch.manual_seed(0)
    model = build_from_dims("audio_lm", dims).eval()
    data = SyntheticMusicDataset(7, dims["sample_rate"], dims["prompt_samples"], 20, seed=1)
    results = evaluate_model(model, "audio_generation", data, batch_size=3)  # 3 + 3 + 1
    batch = {k: torch.stack([data[i][k] for i in range(len(data))]) for k in data[0]}
    with torch.no_grad():
        logits = model(prompt=batch["prompt"], input_ids=batch["input_ids"])
    expected = F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch["targets"].reshape(-1))
    assert math.isclose(results["loss"], expected.item(), rel_tol=1e-5)
    assert math.isclose(results["bits_per_sample"], results["loss"] / math.log(2))
    counts = np.bincount(batch["targets"].reshape(-1).numpy(), minlength=256)
    assert math.isclose(results["unigram_entropy_nats"], entropy(counts), rel_tol=1e-9)
    assert results["num_tokens"] == 7 * 20 and results["num_samples"] == 7
