"""The CRF's log-likelihood and Viterbi decode against brute force over every tag sequence,
with padding."""

from __future__ import annotations

import itertools

import pytest
import torch

from metagen.tasks.sequence_labeling.loss_crf import crf_log_likelihood, crf_viterbi_decode


def brute_force(emissions, length, start, transitions, end):
    """Every tag sequence of `length`: (log partition, best sequence)."""
    scores = {}
    for tags in itertools.product(range(emissions.size(-1)), repeat=length):
        s = start[tags[0]] + emissions[0, tags[0]] + end[tags[-1]]
        for t in range(1, length):
            s = s + transitions[tags[t - 1], tags[t]] + emissions[t, tags[t]]
        scores[tags] = s
    values = torch.stack(list(scores.values()))
    return torch.logsumexp(values, 0), max(scores, key=lambda k: float(scores[k]))


@pytest.mark.parametrize("seed", range(3))
def test_log_likelihood_and_viterbi_match_brute_force(seed) -> None:
    g = torch.Generator().manual_seed(seed)
    K, T, lengths = 3, 5, [5, 3, 1]
    emissions = torch.randn(3, T, K, generator=g, dtype=torch.float64)
    start, end = (
        torch.randn(K, generator=g, dtype=torch.float64),
        torch.randn(K, generator=g, dtype=torch.float64),
    )
    transitions = torch.randn(K, K, generator=g, dtype=torch.float64)
    mask = torch.arange(T)[None, :] < torch.tensor(lengths)[:, None]
    tags = torch.randint(0, K, (3, T), generator=g)
    ours = crf_log_likelihood(emissions, tags, mask, start, transitions, end)
    decoded = crf_viterbi_decode(emissions, mask, start, transitions, end)
    for b, n in enumerate(lengths):
        log_z, best = brute_force(emissions[b], n, start, transitions, end)
        seq = tags[b, :n].tolist()
        score = (
            start[seq[0]]
            + emissions[b, 0, seq[0]]
            + end[seq[-1]]
            + sum(transitions[seq[t - 1], seq[t]] + emissions[b, t, seq[t]] for t in range(1, n))
        )
        assert float(ours[b]) == pytest.approx(float(score - log_z), abs=1e-9)
        assert decoded[b, :n].tolist() == list(best)
        assert decoded[b, n:].eq(0).all()


def test_probabilities_over_all_sequences_sum_to_one() -> None:
    g = torch.Generator().manual_seed(7)
    K, T = 2, 4
    emissions = torch.randn(1, T, K, generator=g, dtype=torch.float64)
    start, end, transitions = (
        torch.randn(K, generator=g, dtype=torch.float64),
        torch.randn(K, generator=g, dtype=torch.float64),
        torch.randn(K, K, generator=g, dtype=torch.float64),
    )
    mask = torch.ones(1, T, dtype=torch.bool)
    total = sum(
        crf_log_likelihood(emissions, torch.tensor([seq]), mask, start, transitions, end).exp()
        for seq in itertools.product(range(K), repeat=T)
    )
    assert float(total) == pytest.approx(1.0, abs=1e-9)
