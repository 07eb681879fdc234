"""Held-out evaluation of a CLIP model: retrieval among every evaluated pair."""

import torch

from metagen.data.batch import move_batch
from metagen.tasks.contrastive.evaluate_retrieval import (
    clip_score,
    mean_average_precision,
    recall_at_k,
    same_group_at_1,
    same_group_chance,
)
from metagen.tasks.contrastive.loss import symmetric_info_nce


def evaluate_contrastive(model, batches, device) -> dict:
    """Retrieval over every evaluated pair at once: R@1/5/10 text->image and image->text, with
    chance (1/N, 5/N, 10/N) for the gallery of N pairs; mAP each way, where every item with the
    query's caption is relevant; and CLIPScore of the true pairs beside mismatched ones. R@K counts the paired item only, and ties
    count against it; so where a caption repeats more than K times (synthetic shapes have 36
    captions) image->text R@K is 0 by construction: identical captions embed identically.
    The rate at which the first hit has the query's caption text, and its chance, measure
    that case."""
    images, texts, captions, loss_sum = [], [], [], 0.0
    for batch in batches:
        batch = move_batch(batch, device)
        image_embeds = model.encode_image(batch["images"]).float()  # (B, E)
        text_embeds = model.encode_text(batch["input_ids"]).float()  # (B, E)
        logits = model.logit_scale().float() * image_embeds @ text_embeds.t()  # (B, B)
        loss_sum += float(symmetric_info_nce(logits)) * logits.size(0)
        images.append(image_embeds.cpu())
        texts.append(text_embeds.cpu())
        captions.append(batch["input_ids"].cpu())
    if not images:
        raise ValueError("cannot evaluate on an empty dataset")
    image_embeds, text_embeds = torch.cat(images), torch.cat(texts)
    n = image_embeds.size(0)
    text_to_image = text_embeds @ image_embeds.t()  # (N, N): caption i against every image
    image_to_text = text_to_image.t()
    groups = torch.unique(torch.cat(captions), dim=0, return_inverse=True)[1]  # (N,)
    same_caption = groups[:, None] == groups[None, :]  # (N, N): a hit for either direction
    scores = clip_score(image_embeds, text_embeds)  # (N, N)
    mismatched = scores[~same_caption]  # pictures beside captions of other pictures
    return {
        "loss": loss_sum / n,  # InfoNCE within each evaluation batch
        "r1_text_to_image": recall_at_k(text_to_image, 1),
        "r5_text_to_image": recall_at_k(text_to_image, 5),
        "r1_image_to_text": recall_at_k(image_to_text, 1),
        "r5_image_to_text": recall_at_k(image_to_text, 5),
        "r10_text_to_image": recall_at_k(text_to_image, 10),
        "r10_image_to_text": recall_at_k(image_to_text, 10),
        "chance_r1": 1 / n,
        "chance_r5": min(5, n) / n,
        "chance_r10": min(10, n) / n,
        # mean average precision, every item of the query's caption relevant
        "map_text_to_image": mean_average_precision(text_to_image, same_caption),
        "map_image_to_text": mean_average_precision(image_to_text, same_caption),
        "clip_score": float(scores.diagonal().mean()),
        "clip_score_mismatched": float(mismatched.mean()) if mismatched.numel() else float("nan"),
        "same_caption_at_1_text_to_image": same_group_at_1(text_to_image, groups),
        "same_caption_at_1_image_to_text": same_group_at_1(image_to_text, groups),
        "chance_same_caption_at_1": same_group_chance(groups),
        "logit_scale": float(model.logit_scale()),
        "gallery_size": n,
        "num_distinct_captions": int(groups.max()) + 1,
        "num_samples": n,
    }
