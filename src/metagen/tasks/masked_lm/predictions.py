"""A masked language model's fills of held-out windows: the window as the model read it (its
[MASK] tokens shown as a block), the window with the model's top token at every position it
was scored on, and the original window (library only, for the plots and the report)."""

from __future__ import annotations

import torch

from metagen.data.batch import model_inputs
from metagen.predictions.generated_text import generated_text, info_tokenizer, text_sample
from metagen.tasks.masked_lm.data import MLM_IGNORE_INDEX

SAMPLES = 4
MASK_MARK = "\u2588"  # a full block where the model read [MASK]


def collect_mask_fills(model, batches, device, info) -> dict:
    """{"kind": "generated_text", samples of (masked window, filled window, original)}, each
    with how many of its scored positions the model's top token got right."""
    batch = next(iter(batches), None)  # the first held-out batch holds enough windows
    if batch is None:
        raise ValueError("no held-out batches to predict on")
    tokenizer = info_tokenizer(info)
    batch = {k: v[:SAMPLES].to(device) for k, v in batch.items()}
    logits = model(**model_inputs(batch))  # (n, T, V)
    ids, targets = batch["input_ids"].cpu(), batch["targets"].cpu()  # (n, T)
    scored = targets != MLM_IGNORE_INDEX  # masked, replaced or kept: what the loss reads
    filled = torch.where(scored, logits.argmax(dim=-1).cpu(), ids)
    original = torch.where(scored, targets, ids)
    samples = []
    for read, wrote, truth, where in zip(ids, filled, original, scored, strict=True):
        right, total = int((wrote[where] == truth[where]).sum()), int(where.sum())
        samples.append(text_sample(
            _with_masks(read.tolist(), info["mask_id"], tokenizer),
            tokenizer.decode(wrote), tokenizer.decode(truth),
            f"{right} of {total} scored tokens right",
            right_tokens=right, scored_tokens=total,
        ))  # fmt: skip
    return generated_text(samples, "top token at each scored position", mask_mark=MASK_MARK)


def _with_masks(ids: list[int], mask_id: int, tokenizer) -> str:
    """The text of `ids` with MASK_MARK for each [MASK] (which decoding would drop)."""
    pieces: list[str] = []
    run: list[int] = []
    for token in ids:
        if token == mask_id:
            pieces += [tokenizer.decode(run), MASK_MARK]
            run = []
        else:
            run.append(token)
    return "".join([*pieces, tokenizer.decode(run)])
