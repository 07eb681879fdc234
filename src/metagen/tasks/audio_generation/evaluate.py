"""Held-out next-sample loss of an audio language model over mu-law tokens."""

import math

import torch

from metagen.evaluate.lm_eval import next_token_totals
from metagen.evaluate.metrics import perplexity


def evaluate_audio_generation(model, batches, device) -> dict:
    """Mean cross-entropy per predicted sample (nats), its perplexity and bits per sample, and
    the baseline: the entropy of the same targets' histogram, the best loss without context."""
    loss_sum, tokens, samples, targets, _ = next_token_totals(model, batches, device)
    counts = torch.bincount(targets).double()
    mean = loss_sum / tokens
    probs = counts[counts > 0] / tokens
    return {
        "loss": mean,
        "perplexity": perplexity(mean),
        "bits_per_sample": mean / math.log(2),
        "unigram_entropy_nats": float(-(probs * probs.log()).sum()),
        "num_tokens": tokens,
        "num_samples": samples,
    }
