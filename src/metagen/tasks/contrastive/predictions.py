"""A CLIP model's retrieval within the first held-out batch: every caption against every
image, as the evaluator ranks them (library only, for the plots and the report)."""

from __future__ import annotations

import torch

from metagen.data.pixels import denormalize_pixels
from metagen.data.tokenizer import ByteTokenizer
from metagen.predictions.retrieval import retrieval_predictions


def collect_retrieval(model, batches, device, info) -> dict:
    """{"kind": "retrieval", caption x image cosine similarity of one batch, the captions'
    groups (one per distinct caption text), the first captions' top images}."""
    batch = next(iter(batches), None)
    if batch is None:
        raise ValueError("no held-out batches to predict on")
    images, input_ids = batch["images"].to(device), batch["input_ids"].to(device)
    image_embeds = model.encode_image(images).float()  # (N, E), unit length
    text_embeds = model.encode_text(input_ids).float()  # (N, E), unit length
    groups = torch.unique(input_ids.cpu(), dim=0, return_inverse=True)[1]  # (N,)
    tokenizer = ByteTokenizer()  # captions are bytes (data/image_captions.py)
    captions = [tokenizer.decode(ids) for ids in input_ids.cpu()]
    return retrieval_predictions(
        text_embeds @ image_embeds.t(), groups, captions, captions,
        names=("caption", "image"), group="the same caption text",
        item_images=denormalize_pixels(images.float().cpu()).clamp(0.0, 1.0),
    )  # fmt: skip
