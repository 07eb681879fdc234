"""A language model's greedy continuations of held-out text: the first half of a few held-out
windows as prompts, the model's continuation and the text that really follows (library only,
for the plots and the report)."""

from __future__ import annotations

from metagen.predictions.generated_text import generated_text, info_tokenizer, text_sample

SAMPLES = 4


def collect_continuations(model, batches, device, info) -> dict:
    """{"kind": "generated_text", samples of (prompt, greedy continuation, reference)}, each
    with how many continuation tokens equal the reference's at the same position."""
    batch = next(iter(batches), None)  # the first held-out batch holds enough windows
    if batch is None:
        raise ValueError("no held-out batches to predict on")
    tokenizer = info_tokenizer(info)
    ids = batch["input_ids"][:SAMPLES].to(device)  # (n, T)
    half = ids.size(1) // 2
    # targets are the inputs shifted by one: the tokens after the prompt start at half - 1
    reference = batch["targets"][:SAMPLES, half - 1 :]  # (n, T - half + 1)
    written = model.generate(ids[:, :half], reference.size(1), temperature=0.0)[:, half:].cpu()
    samples = []
    for prompt, wrote, truth in zip(ids[:, :half].cpu(), written, reference, strict=True):
        matching = int((wrote == truth).sum())
        samples.append(text_sample(
            tokenizer.decode(prompt), tokenizer.decode(wrote), tokenizer.decode(truth),
            f"{matching} of {truth.numel()} continuation tokens equal the reference's",
            matching_tokens=matching, compared_tokens=truth.numel(),
        ))  # fmt: skip
    return generated_text(samples, "greedy", prompt_tokens=half, new_tokens=reference.size(1))
