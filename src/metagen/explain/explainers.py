"""One explainer per supported arch: a batch of normalised pictures in, the maps that say
where the model looked out. Dispatch is by the run's arch name (EXPLAINERS)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from metagen.data.image_captions import caption_token_ids
from metagen.data.tokenizer import ByteTokenizer
from metagen.explain.attention_probs import recorded_attention
from metagen.explain.gradcam import grad_cam
from metagen.explain.rollout import as_grid, attention_rollout, pooled_rollout


@dataclass
class Settings:
    """What an explainer needs beside the model: the run's class names (classifiers), its
    text length (CLIP, VLM) and the text to compare patches with (CLIP's --text)."""

    class_names: list[str] | None = None
    seq_len: int | None = None
    text: str | None = None

    def text_length(self) -> int:
        if self.seq_len is None:
            raise ValueError("the run's data config names no seq_len, the text length it read")
        return int(self.seq_len)


@dataclass
class Maps:
    method: str  # names the files: <picture>_<method>.png and .npy
    maps: torch.Tensor  # (B, h, w), row-major over the picture
    notes: list[str]  # one per picture: what the map is of (a class, a text)


def _class_notes(classes: torch.Tensor, settings: Settings) -> list[str]:
    names = settings.class_names
    return [f"class {names[c] if names else c}" for c in classes.tolist()]


def _tower_rollout(tower, images: torch.Tensor, pool: str, has_cls: bool):
    """(rollout grid (B, g, g), the tower's output) of a stack of encoder blocks."""
    with recorded_attention([block.attention for block in tower.blocks]) as probs:
        output = tower(images)
    return as_grid(pooled_rollout(attention_rollout(probs), pool, has_cls)), output


def token_classifier_maps(model, images: torch.Tensor, settings: Settings) -> list[Maps]:
    """ViT and hybrid ViT: rollout from the class token, or the mean over tokens."""
    pool = model.config.pool
    grid, logits = _tower_rollout(model, images, pool, has_cls=pool == "cls")
    return [Maps("rollout", grid, _class_notes(logits.argmax(dim=-1), settings))]


def conv_classifier_maps(model, images: torch.Tensor, settings: Settings) -> list[Maps]:
    """A conv classifier: Grad-CAM of its predicted class on its last conv map."""
    maps, classes = grad_cam(model, images)
    return [Maps("gradcam", maps, _class_notes(classes, settings))]


def clip_maps(model, images: torch.Tensor, settings: Settings) -> list[Maps]:
    """CLIP's image tower: rollout from its class token; with a text, each patch's cosine
    similarity to the text in the shared space (the patch token through the projection)."""
    grid, tokens = _tower_rollout(model.image_encoder, images, "cls", has_cls=True)
    found = [Maps("rollout", grid, ["image tower, from the class token"] * len(images))]
    if settings.text is not None:
        ids = caption_token_ids(settings.text, settings.text_length(), ByteTokenizer())
        text = model.encode_text(torch.tensor([ids]))[0]  # (D,) unit length
        patches = F.normalize(model.image_projection(tokens[:, 1:]), dim=-1)  # (B, P, D)
        whole = model.encode_image(images) @ text  # (B,)
        notes = [f"cosine to {settings.text!r}: picture {s:.3f}" for s in whole.tolist()]
        found.append(Maps("similarity", as_grid(patches @ text), notes))
    return found


def _generated(model, images: torch.Tensor, seq_len: int) -> tuple[torch.Tensor, list[int]]:
    """(bos and the greedy caption (B, 1 + n), how many tokens each row generated, its eos
    included): the caption the model writes for each picture, as infer.py writes it."""
    tokenizer = ByteTokenizer()
    prompt = torch.full((len(images), 1), tokenizer.bos_id)
    ids = model.generate(images, prompt, seq_len - 1, temperature=0.0, eos_id=tokenizer.eos_id)
    counts = []
    for row in ids[:, 1:].tolist():
        counts.append(row.index(tokenizer.eos_id) + 1 if tokenizer.eos_id in row else len(row))
    return ids, counts


def vlm_maps(model, images: torch.Tensor, settings: Settings) -> list[Maps]:
    """The VLM's attention from its caption to the image tokens: the positions that predicted
    each generated token, averaged over heads, layers and tokens ("text_attention"). Early
    fusion reads the LM's self-attention to the image tokens; cross-attention fusion its
    cross-attention layers. An image token is a patch after the image tower has mixed patches,
    so "text_rollout" carries that attention on through the tower's rollout to the patches it
    read (the connector works token by token). Late fusion's text never attends to patches:
    its image tower's rollout instead (mean over tokens, as late fusion pools)."""
    config = model.config
    if config.fusion == "late":
        grid, _ = _tower_rollout(model.vision_encoder, images, "mean", has_cls=False)
        notes = ["late fusion: image tower rollout, mean over tokens"] * len(images)
        return [Maps("rollout", grid, notes)]
    ids, counts = _generated(model, images, settings.text_length())
    if config.fusion == "early":
        layers = [block.attention for block in model.language_model.blocks]
    else:
        layers = [block.attention for block in model.cross_attention]
    tower = [block.attention for block in model.vision_encoder.blocks]
    with recorded_attention(tower) as tower_probs, recorded_attention(layers) as probs:
        model.forward_features(images, ids)
    N = config.n_image_tokens
    offset = N if config.fusion == "early" else 0  # early fusion: the text follows the image
    to_image = torch.stack([p.mean(dim=1)[:, offset:, :N] for p in probs]).mean(dim=0)
    rows = torch.stack([to_image[b, :n].mean(dim=0) for b, n in enumerate(counts)])  # (B, N)
    to_patches = (rows[:, None, :] @ attention_rollout(tower_probs))[:, 0]  # (B, N) @ (B, N, N)
    captions = [
        ByteTokenizer().decode(row[1 : 1 + n]) for row, n in zip(ids.tolist(), counts, strict=True)
    ]
    notes = [f"caption {caption!r}" for caption in captions]
    return [
        Maps("text_attention", as_grid(rows), notes),
        Maps("text_rollout", as_grid(to_patches), notes),
    ]


EXPLAINERS: dict[str, Callable[..., list[Maps]]] = {
    "vit": token_classifier_maps,
    "hybrid_vit": token_classifier_maps,
    "clip": clip_maps,
    "vlm": vlm_maps,
    "resnet": conv_classifier_maps,
}
