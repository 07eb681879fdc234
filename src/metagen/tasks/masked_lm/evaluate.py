"""Held-out masked-token metrics, with the context-free baseline a model must beat."""

import torch
import torch.nn.functional as F

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.metrics import bits_per_byte, perplexity


def unigram_baseline(targets: torch.Tensor) -> tuple[float, float]:
    """(loss, accuracy) of predicting the targets' own frequency distribution at every masked
    position: their entropy in nats, and the share of the most frequent token. No model that
    ignores context does better on these targets."""
    counts = torch.bincount(targets.flatten()).double()
    probs = counts[counts > 0] / targets.numel()
    return float(-(probs * probs.log()).sum()), float(probs.max())


def no_context_baseline(inputs: torch.Tensor, targets: torch.Tensor) -> tuple[float, float]:
    """(loss, accuracy) of the best predictor that sees only the input token at the predicted
    position (so it can copy the 10% of targets left unchanged, but never reads a neighbour):
    the conditional entropy H(target | input) of the pairs' own counts, and the accuracy of the
    most frequent target per input. Fitted on the very pairs it scores, so it is optimistic."""
    inputs, targets = inputs.flatten(), targets.flatten()
    width = int(max(inputs.max(), targets.max())) + 1
    pairs, pair_counts = torch.unique(inputs * width + targets, return_counts=True)
    input_counts = torch.bincount(inputs, minlength=width)[pairs // width]  # per pair
    n = targets.numel()
    loss = float(-(pair_counts.double() * (pair_counts.double() / input_counts).log()).sum() / n)
    best = torch.zeros(width, dtype=torch.long).scatter_reduce(
        0, pairs // width, pair_counts, reduce="amax"
    )
    return loss, float(best.sum()) / n


def evaluate_masked_lm(model, batches, device) -> dict:
    loss_sum, correct, samples, targets_seen, inputs_seen, covered = 0.0, 0, 0, [], [], 0
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch))  # (B, T, V)
        targets = batch["targets"]  # (B, T), -100 where unmasked
        masked = targets != -100  # (B, T)
        picked = logits[masked].float()  # (N, V)
        loss_sum += float(F.cross_entropy(picked, targets[masked], reduction="sum"))
        correct += int((picked.argmax(dim=-1) == targets[masked]).sum())
        targets_seen.append(targets[masked].cpu())
        inputs_seen.append(batch["input_ids"][masked].cpu())
        samples += targets.size(0)
        per_token = batch.get("target_bytes", masked.long())  # (B, T) bytes; byte tokens: 1
        covered += int(per_token[masked].sum())
    if not targets_seen or sum(t.numel() for t in targets_seen) == 0:
        raise ValueError("cannot evaluate on a dataset with no masked tokens")
    all_targets = torch.cat(targets_seen)
    mean = loss_sum / all_targets.numel()
    bytes_per_token = max(covered, 1) / all_targets.numel()
    baseline_loss, baseline_accuracy = unigram_baseline(all_targets)
    no_context_loss, no_context_accuracy = no_context_baseline(torch.cat(inputs_seen), all_targets)
    return {
        "loss": mean,
        "accuracy": correct / all_targets.numel(),
        "perplexity": perplexity(mean),
        "bits_per_byte": bits_per_byte(mean, bytes_per_token),
        "unigram_baseline_loss": baseline_loss,
        "unigram_baseline_accuracy": baseline_accuracy,
        "no_context_baseline_loss": no_context_loss,
        "no_context_baseline_accuracy": no_context_accuracy,
        "num_masked_tokens": all_targets.numel(),
        "num_masked_bytes": covered,
        "num_samples": samples,
    }
