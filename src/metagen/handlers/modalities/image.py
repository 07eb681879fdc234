"""Image: a Vision Transformer (family transformer), a ResNet (family cnn), a convolutional stem
feeding a ViT encoder (family hybrid), or a U-Net denoiser trained by DDPM (family diffusion)."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import Component, ModalityHandler
from metagen.handlers.modalities.registry import register_modality
from metagen.handlers.modalities.text import gelu_name
from metagen.handlers.tasks.registry import resolve_task_type

DEFAULT_IMAGE_SIZE = 224
DEFAULT_PATCH_SIZE = 16
# Below this side, a ResNet uses the 3x3 stride-1 stem (CIFAR) instead of 7x7 + max-pool.
SMALL_IMAGE = 128
# Pixel-space diffusion without an image size: ADM's and DDPM's largest published resolution.
DEFAULT_DIFFUSION_IMAGE_SIZE = 256
DIFFUSION_TIMESTEPS = 1000
# Nichol & Dhariwal (2021) found the cosine schedule better at 64 px and below.
COSINE_SCHEDULE_MAX_SIZE = 64
# Captions: byte tokens (256 bytes, bos, eos, pad) in CLIP's 77-token window.
CAPTION_VOCAB = 259
CAPTION_LENGTH = 77
# The design document behind our requirements: "Image models typically need higher memory budget (48GB+ for diffusion)".
DIFFUSION_MEMORY_ADVICE = 48_000_000_000

_ARCH_BY_FAMILY = {
    "transformer": "vit",
    "cnn": "resnet",
    "hybrid": "hybrid_vit",
    "diffusion": "unet",
}

_COMPONENTS = {
    "resnet": [
        Component("stem", "Convolutional stem"),
        Component("stage1", "Residual stage 1"),
        Component("stage2", "Residual stage 2 (stride 2)"),
        Component("stage3", "Residual stage 3 (stride 2)"),
        Component("stage4", "Residual stage 4 (stride 2)"),
        Component("head", "Global average pool and classification head"),
    ],
}


def token_classifier_components(arch: str, dims: dict[str, Any]) -> list[Component]:
    """A ViT's or hybrid ViT's parts as its solved dims build them."""
    cls = dims["pool"] == "cls"
    tokens = ("class token, " if cls else "") + "learned positions"
    if arch == "vit":
        p = dims["patch_size"]
        embedding = Component(
            "patch_embedding", f"Encoder input: {p}x{p} conv patch embedding, {tokens}"
        )
    else:
        embedding = Component(
            "stem",
            f"Convolutional stem: {len(dims['stem_channels'])} strided 3x3 conv-BN-ReLU stages, "
            f"a 1x1 projection to tokens, {tokens}",
        )
    pooled = "the class token" if cls else "the tokens' mean"
    return [
        embedding,
        Component(
            "blocks",
            "Encoder: pre-norm transformer layers with multi-head attention "
            f"({dims['n_heads']} heads) and a {gelu_name(dims)} MLP",
        ),
        Component("final_norm", f"LayerNorm over the tokens; the head reads {pooled}"),
        Component("head", f"Classification head: {dims['num_classes']:,} classes"),
    ]


def image_params(spec) -> tuple[int | None, int, int]:
    """(image size or None, patch size, channels) from the spec's modality.image."""
    image = spec.modality.image
    size = image.effective_image_size if image else None
    patch = (image.patch_size if image else None) or DEFAULT_PATCH_SIZE
    channels = image.channels if image else 3
    return size, patch, channels


def _unet_components(text: bool) -> list[Component]:
    parts = [
        Component(
            "time_embedding", "Sinusoidal timestep embedding and MLP, added in every residual block"
        )
    ]
    if text:
        parts.append(
            Component(
                "caption_encoder",
                "Text encoder: transformer over the caption's byte tokens, attended to by "
                "cross-attention; its first token, projected, joins the timestep embedding",
            )
        )
    cross = " and cross-attention to the caption" if text else ""
    return parts + [
        Component("stem", "3x3 conv into the base width"),
        Component(
            "down",
            f"Down path: ResNet blocks with GroupNorm, self-attention{cross} at "
            "low resolution, strided-conv downsampling",
        ),
        Component("middle", f"Bottleneck: ResNet block, self-attention{cross}, ResNet block"),
        Component(
            "up",
            "Up path: ResNet blocks on the skip connections, attention at low "
            "resolution, nearest upsampling and conv",
        ),
        Component("head", "GroupNorm, SiLU and a 3x3 conv to the predicted noise"),
    ]


@register_modality
class ImageModalityHandler(ModalityHandler):
    name = "ImageModalityHandler"
    modality = "image"
    families = ("transformer", "cnn", "hybrid", "diffusion")

    def __init__(self, spec) -> None:
        super().__init__(spec)
        objectives = spec.training.objective if spec.training else []
        if self.family != "diffusion":
            if "diffusion" in objectives:
                raise PlanError(
                    f"training.objective 'diffusion' needs architecture.family: diffusion (a "
                    f"U-Net denoiser); family '{self.family}' builds an image classifier. Set "
                    "the family to diffusion, or train with another objective."
                )
            return
        task = resolve_task_type(spec)
        if task != "generation" or "image" not in spec.modality.outputs:
            raise PlanError(
                f"architecture.family 'diffusion' generates images: it needs image among "
                f"modality.outputs and task.type generation (got task '{task}', outputs "
                f"{list(spec.modality.outputs)}). For a classifier use family transformer, cnn "
                "or hybrid."
            )
        other = [o for o in objectives if o != "diffusion"]
        if other:
            raise PlanError(
                f"architecture.family 'diffusion' trains with the diffusion objective; "
                f"training.objective also lists {', '.join(other)}. Keep only diffusion."
            )

    def augment_blueprint(self, blueprint: Blueprint) -> Blueprint:
        size, patch, channels = image_params(self.spec)
        arch = _ARCH_BY_FAMILY[self.family]
        blueprint.arch = arch
        if arch == "unet":
            return self._augment_diffusion(blueprint, size, channels)
        size = size or DEFAULT_IMAGE_SIZE
        blueprint.fixed_dims.update(in_channels=channels, image_size=size)
        if arch in ("vit", "hybrid_vit"):
            if size % patch:
                raise PlanError(
                    f"modality.image.patch_size ({patch}) must divide the image size ({size}). "
                    "Pick a patch size of 14, 16 or 32 that divides it."
                )
            blueprint.fixed_dims.update(patch_size=patch, pool="cls", norm_eps=1e-6, dropout=0.0)
        if arch == "hybrid_vit" and patch & (patch - 1):
            raise PlanError(
                f"modality.image.patch_size ({patch}) must be a power of two for the hybrid "
                "family: each stride-2 conv stage of the stem halves the image. Pick 8, 16 or 32."
            )
        if arch == "resnet":
            blueprint.fixed_dims["stem"] = "imagenet" if size >= SMALL_IMAGE else "cifar"
        blueprint.data.update(kind="image", image_size=size, channels=channels)
        blueprint.components = [(c.name, c.role) for c in self.generate_components()]
        return blueprint

    def _augment_diffusion(self, bp: Blueprint, size: int | None, channels: int) -> Blueprint:
        if size is None:
            size = DEFAULT_DIFFUSION_IMAGE_SIZE
            bp.decisions.append(
                f"No modality.image size or preset; the U-Net generates {size}x{size} images."
            )
        text = "text" in self.spec.modality.inputs
        schedule = "cosine" if size <= COSINE_SCHEDULE_MAX_SIZE else "linear"
        bp.task = "diffusion"
        bp.fixed_dims.update(
            image_size=size,
            in_channels=channels,
            dropout=0.0,
            text_conditioning=text,
            caption_vocab_size=CAPTION_VOCAB,
            caption_length=CAPTION_LENGTH,
        )
        bp.data.update(
            kind="image",
            image_size=size,
            channels=channels,
            num_timesteps=DIFFUSION_TIMESTEPS,
            beta_schedule=schedule,
            text_conditioning=text,
            caption_length=CAPTION_LENGTH,
        )
        bp.decisions += [
            f"Pixel-space diffusion: the U-Net denoises {size}x{size} images directly (no VAE "
            "latent space; latent diffusion is not built). FLOPs per sample are one denoiser "
            "evaluation; DDIM sampling costs one per step (50 by default).",
            f"DDPM objective (epsilon prediction, MSE) over {DIFFUSION_TIMESTEPS} steps with the "
            f"{schedule} beta schedule"
            + (
                " (Nichol & Dhariwal 2021: better at 64 px and below)."
                if schedule == "cosine"
                else " (Ho et al. 2020)."
            ),
        ]
        if text:
            bp.decisions.append(
                f"Text conditioning: captions as byte tokens ({CAPTION_LENGTH} positions), a "
                "transformer caption encoder, cross-attention in every attention block, and the "
                "encoder's first token added to the timestep embedding (Imagen)."
            )
        if bp.memory_budget is not None and bp.memory_budget < DIFFUSION_MEMORY_ADVICE:
            bp.warnings.append(
                f"constraints.memory_budget ({bp.memory_budget / 1e9:.1f} GB) is below the "
                f"{DIFFUSION_MEMORY_ADVICE / 1e9:.0f} GB that diffusion models typically need "
                "U-Net activations at full resolution dominate training "
                "memory. Expect small batches or activation checkpointing."
            )
        bp.components = [(c.name, c.role) for c in _unet_components(text)]
        return bp

    def generate_components(self) -> list[Component]:
        arch = _ARCH_BY_FAMILY[self.family]
        if arch == "unet":
            return _unet_components("text" in self.spec.modality.inputs)
        return list(_COMPONENTS.get(arch, []))  # the ViTs' roles read the solved dims

    def describe(self, dims: dict[str, Any]) -> list[Component] | None:
        arch = _ARCH_BY_FAMILY[self.family]
        if arch in ("vit", "hybrid_vit"):
            return token_classifier_components(arch, dims)
        return None
