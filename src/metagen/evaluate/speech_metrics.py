"""Word and character error rates (corpus level, as torchmetrics computes them)."""


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
