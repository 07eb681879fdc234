"""Held-out next-sample loss of an audio language model over mu-law tokens."""

import math

import torch
import torch.nn.functional as F

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.metrics import perplexity


def evaluate_audio_generation(model, batches, device) -> dict:
    """Mean cross-entropy per predicted sample (nats), its perplexity and bits per sample, and
    the baseline: the entropy of the same targets' histogram, the best loss without context."""
    loss_sum, tokens, samples, counts = 0.0, 0, 0, None
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch))  # (B, T, n_levels)
        targets = batch["targets"]  # (B, T)
        loss = F.cross_entropy(
            logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1), reduction="sum"
        )
        loss_sum += float(loss)
        tokens += targets.numel()
        samples += targets.size(0)
        seen = torch.bincount(targets.reshape(-1).cpu(), minlength=logits.size(-1)).double()
        counts = seen if counts is None else counts + seen
    if tokens == 0 or counts is None:
        raise ValueError("cannot evaluate on an empty dataset")
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
