"""Held-out speech recognition, shared by both recognizers: the training loss, then greedy
transcripts scored by WER and CER (corpus level, as torchmetrics computes them) beside two
trivial baselines: the empty transcript, and one constant transcript (the most frequent
held-out reference, which knows the held-out set and is hard to beat)."""

from collections import Counter

from metagen.data.batch import model_inputs, move_batch
from metagen.data.tokenizer import ByteTokenizer


def edit_distance(hypothesis, reference) -> int:
    """Levenshtein distance between two sequences: substitutions, insertions, deletions."""
    previous = list(range(len(reference) + 1))
    for i, h in enumerate(hypothesis, 1):
        current = [i]
        for j, r in enumerate(reference, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (h != r)))
        previous = current
    return previous[-1]


def _error_rate(pairs) -> float:
    errors = total = 0
    for hypothesis, reference in pairs:
        errors += edit_distance(hypothesis, reference)
        total += len(reference)
    if total == 0:
        raise ValueError("cannot compute an error rate against empty references")
    return errors / total


def word_error_rate(predictions: list[str], references: list[str]) -> float:
    """Word edits over reference words, summed over the corpus; words split on whitespace."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references")
    return _error_rate((p.split(), r.split()) for p, r in zip(predictions, references, strict=True))


def char_error_rate(predictions: list[str], references: list[str]) -> float:
    """Character edits over reference characters (spaces included), summed over the corpus."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references")
    return _error_rate(zip(predictions, references, strict=True))


def transcript_metrics(predictions: list[str], references: list[str]) -> dict:
    """WER and CER of the predictions and of the two baselines, and the exact-match rate."""
    n = len(references)
    constant = Counter(references).most_common(1)[0][0]
    return {
        "wer": word_error_rate(predictions, references),
        "cer": char_error_rate(predictions, references),
        "exact_match": sum(p == r for p, r in zip(predictions, references, strict=True)) / n,
        "empty_transcript_wer": word_error_rate([""] * n, references),
        "empty_transcript_cer": char_error_rate([""] * n, references),
        "constant_transcript_wer": word_error_rate([constant] * n, references),
        "constant_transcript_cer": char_error_rate([constant] * n, references),
        "num_samples": n,
    }


def _evaluate_speech(model, batches, device, loss_sum) -> dict:
    tokenizer = ByteTokenizer()
    total, weight, predictions, references = 0.0, 0, [], []
    for batch in batches:
        batch = move_batch(batch, device)
        outputs = model(**model_inputs(batch))
        batch_sum, batch_weight = loss_sum(outputs, batch)
        total, weight = total + batch_sum, weight + batch_weight
        targets = batch["targets"]  # (B, L): the transcript (and eos), then padding
        hypotheses = model.transcribe(batch["waveform"], max_tokens=targets.size(1))
        predictions += [tokenizer.decode(ids) for ids in hypotheses]
        references += [tokenizer.decode(row) for row in targets.cpu().tolist()]
    if not references:
        raise ValueError("cannot evaluate on an empty dataset")
    return {"loss": total / max(weight, 1), **transcript_metrics(predictions, references)}
