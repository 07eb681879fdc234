"""Held-out evaluation of a VLM: the caption loss beside the unigram entropy of the same
tokens and the loss with mismatched images; and the captions it writes for the first
held-out pictures, scored by BLEU, ROUGE-L, CIDEr-D and METEOR (its exact and stem matching,
and where their data is named, its synonyms and paraphrases) beside an image-blind writer's."""

import torch
import torch.nn.functional as F

from metagen.data.batch import move_batch
from metagen.data.image_captions import CAPTION_IGNORE_INDEX
from metagen.data.synthetic_text import unigram_entropy_nats
from metagen.data.tokenizer import ByteTokenizer
from metagen.evaluate.caption_metrics import cider_d, corpus_bleu, rouge_l
from metagen.evaluate.caption_writing import write_captions
from metagen.evaluate.meteor import meteor, meteor_exact_stem, meteor_vocabulary
from metagen.evaluate.meteor_resources import cached_meteor_resources
from metagen.evaluate.metrics import perplexity

CAPTIONS_WRITTEN = 32


def evaluate_captioning(model, batches, device) -> dict:
    """Caption-token loss against the unigram entropy of the same tokens (the best model that
    ignores both image and context), and against the loss when each caption is scored with
    the previous sample's image (how much the model reads the image)."""
    loss_sum, rolled_sum, rolled_tokens, correct, samples = 0.0, 0.0, 0, 0, 0
    kept: list[torch.Tensor] = []
    written: list[str] = []
    references: list[str] = []
    tokenizer = ByteTokenizer()
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
        wanted = CAPTIONS_WRITTEN - len(written)  # generation is slow: the first pictures
        if wanted > 0:
            written += write_captions(model, images[:wanted], tokenizer, targets.size(1))
            references += [tokenizer.decode(row[row != CAPTION_IGNORE_INDEX].tolist())
                           for row in targets[:wanted]]  # fmt: skip
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
    results.update(caption_scores(written, references))
    results.update(num_tokens=tokens, num_samples=samples)
    return results


def caption_scores(written: list, references: list) -> dict:
    """BLEU, ROUGE-L, CIDEr-D and METEOR of the written captions, beside those of an
    image-blind writer that gives every picture the most common reference caption. METEOR is
    meteor_exact_stem, the jar's exact and stem matching; and meteor, with its synonyms and
    paraphrases too (pycocoevalcap's), where $METAGEN_METEOR_DATA names their data
    (evaluate/meteor_resources.py)."""
    common = max(set(references), key=lambda text: (references.count(text), text))
    scores: dict[str, float | int] = {"captions_scored": len(written)}
    resources = cached_meteor_resources(meteor_vocabulary([*written, common], [references]))
    for prefix, texts in (("", written), ("constant_caption_", [common] * len(written))):
        if resources is not None:
            scores[f"{prefix}meteor"] = meteor(texts, [[r] for r in references], resources)
        scores[f"{prefix}bleu"] = corpus_bleu(texts, references)
        scores[f"{prefix}rouge_l"] = sum(
            rouge_l(t, [r]) for t, r in zip(texts, references, strict=True)
        ) / len(texts)
        scores[f"{prefix}cider_d"] = cider_d(texts, [[r] for r in references])
        scores[f"{prefix}meteor_exact_stem"] = meteor_exact_stem(texts, [[r] for r in references])
    return scores


def _caption_loss_sum(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(
        logits.reshape(-1, logits.size(-1)),
        targets.reshape(-1),
        ignore_index=CAPTION_IGNORE_INDEX,
        reduction="sum",
    )
