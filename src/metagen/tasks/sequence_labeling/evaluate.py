"""Sequence-labelling metrics: entity-level precision, recall and F1 over BIO spans, exact
match of type, start and end (CoNLL-2003's conlleval), and token accuracy, beside the
trivial tagger that tags every word O.

Tag ids follow one scheme, which the data loaders map tag names to: 0 is O; entity type k
has B = 2k + 1 and I = 2k + 2. As in conlleval, an I- tag after O or after another type
starts a new entity."""

import torch
import torch.nn.functional as F

from metagen.data.batch import model_inputs, move_batch
from metagen.tasks.sequence_labeling.loss_crf import crf_log_likelihood, crf_viterbi_decode


def bio_spans(tags: list[int]) -> set[tuple[int, int, int]]:
    """The entities in one sentence's tag ids, as (type, start, end exclusive)."""
    spans, current = set(), None  # current: [type, start]
    for position, tag in enumerate(list(tags) + [0]):
        kind = "O" if tag == 0 else "B" if tag % 2 == 1 else "I"
        entity = (tag - 1) // 2
        continues = kind == "I" and current is not None and current[0] == entity
        if current is not None and not continues:
            spans.add((current[0], current[1], position))
            current = None
        if kind == "B" or (kind == "I" and not continues):
            current = [entity, position]
    return spans


def entity_scores(predicted: list[list[int]], gold: list[list[int]]) -> dict:
    """Micro precision, recall and F1 of exact entity matches over sentences."""
    correct = found = expected = 0
    for p, g in zip(predicted, gold, strict=True):
        p_spans, g_spans = bio_spans(p), bio_spans(g)
        correct += len(p_spans & g_spans)
        found += len(p_spans)
        expected += len(g_spans)
    precision = correct / found if found else 0.0
    recall = correct / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "entity_precision": precision,
        "entity_recall": recall,
        "entity_f1": f1,
        "num_entities": expected,
    }


def _decode(outputs: dict, mask: torch.Tensor) -> torch.Tensor:
    emissions = outputs["emissions"].float()
    if "transitions" not in outputs:
        return emissions.argmax(dim=-1)
    return crf_viterbi_decode(
        emissions,
        mask,
        outputs["start_transitions"].float(),
        outputs["transitions"].float(),
        outputs["end_transitions"].float(),
    )


def _loss_sum(outputs: dict, targets: torch.Tensor, mask: torch.Tensor) -> float:
    emissions = outputs["emissions"].float()
    if "transitions" not in outputs:
        return float(
            F.cross_entropy(
                emissions.reshape(-1, emissions.size(-1)),
                targets.reshape(-1),
                ignore_index=-100,
                reduction="sum",
            )
        )
    log_likelihood = crf_log_likelihood(
        emissions,
        targets.clamp(min=0),
        mask,
        outputs["start_transitions"].float(),
        outputs["transitions"].float(),
        outputs["end_transitions"].float(),
    )
    return float(-log_likelihood.sum())


def evaluate_tagger(model, batches, device) -> dict:
    """`loss` per word (cross-entropy, or the CRF's negative log-likelihood); the predicted
    tags are the argmax, or the CRF's Viterbi path."""
    predicted, gold, loss_sum, words = [], [], 0.0, 0
    for batch in batches:
        batch = move_batch(batch, device)
        outputs = model(**model_inputs(batch))
        targets = batch["targets"]  # (B, T), -100 at padding
        mask = targets != -100
        loss_sum += _loss_sum(outputs, targets, mask)
        words += int(mask.sum())
        tags = _decode(outputs, mask).cpu()
        for row, row_mask, row_gold in zip(tags, mask.cpu(), targets.cpu(), strict=True):
            predicted.append(row[row_mask].tolist())
            gold.append(row_gold[row_mask].tolist())
    if not gold:
        raise ValueError("cannot evaluate on an empty dataset")
    flat_pred = [t for sentence in predicted for t in sentence]
    flat_gold = [t for sentence in gold for t in sentence]
    results = {"loss": loss_sum / words}
    results.update(entity_scores(predicted, gold))
    results["token_accuracy"] = (
        sum(p == g for p, g in zip(flat_pred, flat_gold, strict=True)) / words
    )
    all_o = [[0] * len(sentence) for sentence in gold]
    results["all_o_entity_f1"] = entity_scores(all_o, gold)["entity_f1"]
    results["all_o_token_accuracy"] = sum(g == 0 for g in flat_gold) / words
    results["num_samples"] = len(gold)
    return results
