"""Held-out next-token loss of a language model, beside the unigram entropy of its targets,
and both in bits per byte of the text, which models with different tokenizers share."""

import torch
import torch.nn.functional as F

from metagen.data.batch import model_inputs, move_batch
from metagen.data.synthetic_text import unigram_entropy_nats
from metagen.evaluate.metrics import bits_per_byte, perplexity


def next_token_totals(model, batches, device) -> tuple[float, int, int, torch.Tensor, int]:
    """(summed cross-entropy in nats, tokens, samples, every target flattened, the UTF-8 bytes
    the targets cover) of a model that predicts each position's next token, over `batches`.
    A batch without "target_bytes" (byte tokens) counts one byte per target."""
    loss_sum, tokens, samples, seen, covered = 0.0, 0, 0, [], 0
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
        covered += int(batch["target_bytes"].sum()) if "target_bytes" in batch else targets.numel()
    if tokens == 0:
        raise ValueError("cannot evaluate on an empty dataset")
    return loss_sum, tokens, samples, torch.cat(seen), covered


def evaluate_language_model(model, batches, device) -> dict:
    loss_sum, tokens, samples, targets, num_bytes = next_token_totals(model, batches, device)
    mean = loss_sum / tokens
    # the baseline: the best loss without context on these very targets
    unigram = unigram_entropy_nats(targets)
    bytes_per_token = max(num_bytes, 1) / tokens
    return {
        "loss": mean,
        "perplexity": perplexity(mean),
        "bits_per_byte": bits_per_byte(mean, bytes_per_token),
        "unigram_entropy_nats": unigram,
        "unigram_bits_per_byte": bits_per_byte(unigram, bytes_per_token),
        "num_tokens": tokens,
        "num_bytes": num_bytes,
        "num_samples": samples,
    }
