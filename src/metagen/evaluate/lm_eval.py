"""Held-out next-token loss of a language model, beside the unigram entropy of its targets."""

import torch
import torch.nn.functional as F

from metagen.data.batch import model_inputs, move_batch
from metagen.data.synthetic_text import unigram_entropy_nats
from metagen.evaluate.metrics import bits_per_byte, perplexity


def next_token_totals(model, batches, device) -> tuple[float, int, int, torch.Tensor]:
    """(summed cross-entropy in nats, tokens, samples, every target flattened) of a model
    that predicts each position's next token, over `batches`."""
    loss_sum, tokens, samples, seen = 0.0, 0, 0, []
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch))  # (B, T, V)
        targets = batch["targets"]  # (B, T)
        loss = F.cross_entropy(
            logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1), reduction="sum"
        )
        loss_sum += float(loss)
        tokens += targets.numel()
        samples += targets.size(0)
        seen.append(targets.flatten().cpu())
    if tokens == 0:
        raise ValueError("cannot evaluate on an empty dataset")
    return loss_sum, tokens, samples, torch.cat(seen)


def evaluate_language_model(model, batches, device) -> dict:
    loss_sum, tokens, samples, targets = next_token_totals(model, batches, device)
    mean = loss_sum / tokens
    return {
        "loss": mean,
        "perplexity": perplexity(mean),
        "bits_per_byte": bits_per_byte(mean),
        # the baseline: the best loss without context on these very targets
        "unigram_entropy_nats": unigram_entropy_nats(targets),
        "num_tokens": tokens,
        "num_samples": samples,
    }
