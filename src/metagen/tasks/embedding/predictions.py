"""An embedding model's retrieval within the first held-out batch: each pair's anchor against
every pair's positive, by cosine similarity as the evaluator ranks them (library only, for
the plots and the report)."""

from __future__ import annotations

from metagen.data.batch import model_inputs, move_batch
from metagen.predictions.generated_text import info_tokenizer
from metagen.predictions.retrieval import retrieval_predictions
from metagen.train.record_losses import pair_similarity


def collect_retrieval(model, batches, device, info) -> dict:
    """{"kind": "retrieval", anchor x positive cosine similarity of one batch, the pairs'
    groups, the first anchors' top positives}; texts where the records are texts, else each
    item named by its pair."""
    batch = next(iter(batches), None)
    if batch is None:
        raise ValueError("no held-out batches to predict on")
    batch = move_batch(batch, device)
    outputs = model(**model_inputs(batch)).float()  # (N, 2, E): anchor, positive
    groups = batch["labels"].cpu()
    if "input_ids" in batch:  # (N, 2, T)
        tokenizer = info_tokenizer(info)
        ids = batch["input_ids"].cpu()
        anchors = [tokenizer.decode(row) for row in ids[:, 0]]
        positives = [tokenizer.decode(row) for row in ids[:, 1]]
    else:
        anchors = [f"anchor of pair {i} (group {g})" for i, g in enumerate(groups.tolist())]
        positives = [f"positive of pair {i} (group {g})" for i, g in enumerate(groups.tolist())]
    return retrieval_predictions(
        pair_similarity(outputs), groups, anchors, positives, names=("anchor", "positive"),
        group="the same group of the data",
    )  # fmt: skip
