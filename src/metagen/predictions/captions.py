"""What a picture-to-text model writes for a few held-out pictures (a VLM's captions,
image_to_code's code), greedy up to eos, beside the text each picture came with."""

from __future__ import annotations

from metagen.data.image_captions import CAPTION_IGNORE_INDEX
from metagen.data.pixels import denormalize_pixels
from metagen.data.tokenizer import ByteTokenizer

# The evaluator's greedy decoding (bos prompt, KV cache, cut at eos, bytes only): the text
# plotted is the text the evaluator scored.
from metagen.evaluate.caption_writing import write_captions
from metagen.predictions.generated_text import MAX_SAMPLES, generated_text, text_sample


def collect_captions(model, batches, device, info) -> dict:
    """{"kind": "generated_text", samples of (written caption, reference), the pictures}."""
    return collect_written(model, batches, device, pictures=MAX_SAMPLES)


def collect_written(
    model, batches, device, *, pictures: int, max_tokens: int | None = None, kinds=None
) -> dict:
    """The first `pictures` held-out pictures, the text written for each (at most
    `max_tokens` bytes; default: the data's text length) and its reference; `kinds(batch)`
    names each picture's kind where the data has kinds."""
    batch = next(iter(batches), None)  # the first held-out batch holds enough pictures
    if batch is None:
        raise ValueError("no held-out batches to predict on")
    tokenizer = ByteTokenizer()  # picture-text data is read as bytes
    images, targets = batch["images"][:pictures], batch["targets"][:pictures]  # (n, C, H, W)
    limit = targets.size(1) if max_tokens is None else min(max_tokens, targets.size(1))
    written = write_captions(model, images.to(device), tokenizer, limit)
    kind_names = kinds(batch)[:pictures] if kinds else [""] * len(written)
    samples = []
    for text, row, kind in zip(written, targets, kind_names, strict=True):
        reference = tokenizer.decode(row[row != CAPTION_IGNORE_INDEX])
        verdict = _verdict(text, reference, limit)
        samples.append(text_sample("", text, reference, f"{kind}; {verdict}" if kind else verdict,
                                   exact_match=text == reference))  # fmt: skip
    pixels = denormalize_pixels(images.float()).clamp(0.0, 1.0)  # as the model's input shows
    return generated_text(samples, "greedy, up to eos", images=pixels, max_new_tokens=limit)


def _verdict(written: str, reference: str, limit: int) -> str:
    if written == reference:
        return "the same as the reference"
    cut = ByteTokenizer().decode(ByteTokenizer().encode(reference)[:limit])
    if len(reference.encode("utf-8")) > limit and written == cut:
        return f"the same as the reference's first {limit} bytes (the length written)"
    return "differs from the reference"
