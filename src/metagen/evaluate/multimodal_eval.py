"""Held-out evaluation of the multi-modal tasks: retrieval (CLIP) and captioning (VLM)."""

import torch
import torch.nn.functional as F

from metagen.data.batch import move_batch
from metagen.data.image_captions import CAPTION_IGNORE_INDEX
from metagen.data.synthetic_text import unigram_entropy_nats
from metagen.evaluate.metrics import perplexity
from metagen.evaluate.retrieval import recall_at_k, same_group_at_1, same_group_chance
from metagen.train.multimodal_losses import symmetric_info_nce


def evaluate_contrastive(model, batches, device) -> dict:
    """Retrieval over every evaluated pair at once: R@1/R@5 text->image and image->text, with
    chance (1/N, 5/N) for the gallery of N pairs. R@K counts the paired item only, and ties
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
    return {
        "loss": loss_sum / n,  # InfoNCE within each evaluation batch
        "r1_text_to_image": recall_at_k(text_to_image, 1),
        "r5_text_to_image": recall_at_k(text_to_image, 5),
        "r1_image_to_text": recall_at_k(image_to_text, 1),
        "r5_image_to_text": recall_at_k(image_to_text, 5),
        "chance_r1": 1 / n,
        "chance_r5": min(5, n) / n,
        "same_caption_at_1_text_to_image": same_group_at_1(text_to_image, groups),
        "same_caption_at_1_image_to_text": same_group_at_1(image_to_text, groups),
        "chance_same_caption_at_1": same_group_chance(groups),
        "logit_scale": float(model.logit_scale()),
        "gallery_size": n,
        "num_distinct_captions": int(groups.max()) + 1,
        "num_samples": n,
    }


def evaluate_captioning(model, batches, device) -> dict:
    """Caption-token loss against the unigram entropy of the same tokens (the best model that
    ignores both image and context), and against the loss when each caption is scored with
    the previous sample's image (how much the model reads the image)."""
    loss_sum, rolled_sum, rolled_tokens, correct, samples = 0.0, 0.0, 0, 0, 0
    kept = []
    for batch in batches:
        batch = move_batch(batch, device)
        images, input_ids, targets = batch["images"], batch["input_ids"], batch["targets"]
        valid = targets != CAPTION_IGNORE_INDEX  # (B, T)
        logits = model(images=images, input_ids=input_ids).float()  # (B, T, V)
        loss_sum += float(_caption_loss_sum(logits, targets))
        correct += int(((logits.argmax(dim=-1) == targets) & valid).sum())
        if images.size(0) > 1:
            rolled = model(images=images.roll(1, dims=0), input_ids=input_ids).float()
            rolled_sum += float(_caption_loss_sum(rolled, targets))
            rolled_tokens += int(valid.sum())
        kept.append(targets[valid].cpu())
        samples += targets.size(0)
    tokens = sum(t.numel() for t in kept)
    if tokens == 0:
        raise ValueError("cannot evaluate on an empty dataset")
    mean = loss_sum / tokens
    results = {
        "loss": mean,
        "perplexity": perplexity(mean),
        "token_accuracy": correct / tokens,
        "unigram_entropy_nats": unigram_entropy_nats(torch.cat(kept)),
    }
    if rolled_tokens:
        results["loss_mismatched_images"] = rolled_sum / rolled_tokens
    results.update(num_tokens=tokens, num_samples=samples)
    return results


def _caption_loss_sum(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(
        logits.reshape(-1, logits.size(-1)),
        targets.reshape(-1),
        ignore_index=CAPTION_IGNORE_INDEX,
        reduction="sum",
    )
