"""Multi-modal (text + image in): CLIP-style contrastive towers, or a vision-language model
that puts image tokens before the text in a causal LM (early fusion), lets the LM attend to
them from cross-attention layers, or combines the separately encoded image and text at the
final layer (late fusion). The fusion follows the objective, as the spec language's table says (README.md), and
`architecture.fusion` overrides it. Family hybrid gives either model's image tower the hybrid
ViT's convolutional stem in place of the patchify."""

from __future__ import annotations

import math

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import Component, ModalityHandler
from metagen.handlers.modalities.registry import register_modality
from metagen.handlers.planned import not_built

DEFAULT_IMAGE_SIZE = 224
DEFAULT_PATCH_SIZE = 16
# Byte-level tokenizer: 256 bytes and bos, eos, pad; the vocabulary is padded to 320.
BYTE_TOKENIZER_VOCAB = 259
BYTE_VOCAB_PADDED = 320
EOS_ID = 257
CLIP_CONTEXT = 77  # CLIP's text context
VLM_DEFAULT_CONTEXT = 2048
MAX_CAPTION_TOKENS = 128  # longest training caption at full scale (bos + bytes + eos)
LONG_CONTEXT = 8192  # from here RoPE uses Llama 3's larger base, as for text
LONG_CONTEXT_ROPE_THETA = 500_000.0
CROSS_ATTENTION_EVERY = 4  # one cross-attention layer per 4 LM layers (Flamingo interleaves)
# Captions the built-in shapes data can tell apart, by channels (shape x colour).
SYNTHETIC_CAPTION_CLASSES = {3: 36, 1: 12}

MULTIMODAL_OBJECTIVES = ("contrastive", "autoregressive")
DEFAULT_FUSION = {"contrastive": "contrastive", "autoregressive": "early"}
FUSIONS_FOR = {
    "contrastive": ("contrastive",),
    "autoregressive": ("early", "cross_attention", "late"),
}
JOINT_OBJECTIVES = "joint contrastive and captioning training (CoCa-style)"

# The image tower by architecture.family: what it is, and how it turns pixels into tokens.
_IMAGE_TOWER = {
    "transformer": ("ViT", "bias-free strided conv patches"),
    "hybrid": (
        "convolutional stem + transformer",
        "strided 3x3 conv-BN-ReLU stages and a 1x1 projection to the width make the tokens",
    ),
}


def _clip_components(family: str) -> list[Component]:
    kind, tokens = _IMAGE_TOWER[family]
    return [
        Component(
            "image_encoder",
            f"Image encoder ({kind}): {tokens}; class token, positions, pre-norm, "
            "transformer layers, final norm",
        ),
        Component("image_projection", "Projection of the class token into the shared space"),
        Component(
            "text_encoder",
            "Text encoder: byte tokens, learned positions, causal "
            "transformer layers; the caption's feature is read at its eos token",
        ),
        Component("text_projection", "Projection of the eos feature into the shared space"),
        Component(
            "logit_scale",
            "Fusion (contrastive): learnable temperature; symmetric InfoNCE aligns the two "
            "encoders",
        ),
    ]


def _vlm_components(fusion: str, family: str) -> list[Component]:
    connector = "Connector: two-layer MLP from the image width to the LM width (LLaVA-1.5)"
    if fusion == "late":
        connector += ", applied to the image tokens' mean"
    kind, tokens = _IMAGE_TOWER[family]
    components = [
        Component(
            "vision_encoder",
            f"Image encoder ({kind}): {tokens}; positions (no class token), pre-norm "
            "transformer layers, final norm",
        ),
        Component("connector", connector),
    ]
    if fusion == "cross_attention":
        components.append(
            Component(
                "cross_attention",
                "Fusion (cross-attention): text layers "
                "attend to the image tokens, one layer per "
                f"{CROSS_ATTENTION_EVERY} LM blocks",
            )
        )
        lm_role = "Decoder: causal LM over the text; reads the image through cross-attention"
    elif fusion == "late":
        lm_role = "Decoder: causal LM over the text alone (never sees the image)"
    else:
        lm_role = (
            "Decoder (early fusion): causal LM over the image tokens followed by the "
            "text; loss on the caption tokens only"
        )
    components.append(Component("language_model", lm_role))
    if fusion == "late":
        components.append(
            Component(
                "late_fusion",
                "Fusion (late): the normed image feature joins every text position's final "
                "state (concat, Linear, GELU, Linear, added back) before the vocabulary "
                "projection; loss on the caption tokens only",
            )
        )
    return components


@register_modality
class MultimodalHandler(ModalityHandler):
    name = "MultimodalHandler"
    modality = "multimodal"
    families = ("transformer", "hybrid")

    def __init__(self, spec) -> None:
        super().__init__(spec)
        self.objective, self.objective_chosen = self._objective(spec)
        fusion = spec.architecture.fusion if spec.architecture else None
        self.fusion_chosen = fusion is None
        self.fusion = fusion or DEFAULT_FUSION[self.objective]
        variant = spec.architecture.variant if spec.architecture else None
        if self.family == "hybrid" and variant:
            raise PlanError(
                f"architecture.variant '{variant}' is a published model with a patchify image "
                "tower; family hybrid swaps that for a convolutional stem, so the published "
                "shape would not hold. Remove the variant to let the solver size a hybrid model, "
                "or set architecture.family to transformer."
            )
        if self.fusion not in FUSIONS_FOR[self.objective]:
            *others, last = FUSIONS_FOR[self.objective]
            fits = f"{', '.join(others)} or {last}" if others else last
            raise PlanError(
                f"architecture.fusion '{self.fusion}' does not fit training.objective "
                f"'{self.objective}': "
                + (
                    "contrastive training aligns two separate encoders. "
                    if self.objective == "contrastive"
                    else "an autoregressive vision-language model fuses the image into the "
                    "text it writes. "
                )
                + f"Set architecture.fusion to {fits}, or leave it out."
            )
        if self.objective == "autoregressive" and "text" not in spec.modality.outputs:
            raise PlanError(
                "training.objective 'autoregressive' on text + image generates text, but "
                f"modality.outputs is {spec.modality.outputs}. Add text to the outputs."
            )

    @staticmethod
    def _objective(spec) -> tuple[str, bool]:
        objectives = list(spec.training.objective) if spec.training else []
        other = [o for o in objectives if o not in MULTIMODAL_OBJECTIVES]
        if other:
            raise PlanError(
                f"training.objective '{other[0]}' does not fit a text + image model. Use "
                "contrastive (CLIP-style towers) or autoregressive (a vision-language model "
                "that writes text)."
            )
        if len(objectives) > 1:
            raise not_built(JOINT_OBJECTIVES, "training.objective", ", ".join(objectives))
        if objectives:
            return objectives[0], False
        outputs = set(spec.modality.outputs)
        return ("autoregressive" if outputs == {"text"} else "contrastive"), True

    def _image_params(self) -> tuple[int, int, int]:
        image = self.spec.modality.image
        size = (image.effective_image_size if image else None) or DEFAULT_IMAGE_SIZE
        patch = (image.patch_size if image else None) or DEFAULT_PATCH_SIZE
        channels = image.channels if image else 3
        if size % patch:
            raise PlanError(
                f"modality.image.patch_size ({patch}) must divide the image size ({size}). "
                "Pick a patch size of 14, 16 or 32 that divides it."
            )
        if channels not in SYNTHETIC_CAPTION_CLASSES:
            raise PlanError(f"modality.image.channels ({channels}) must be 3 (RGB) or 1 (gray).")
        if self.family == "hybrid" and (patch < 2 or patch & (patch - 1)):
            raise PlanError(
                f"modality.image.patch_size ({patch}) must be a power of two (2 or more) for the "
                "hybrid family: each stride-2 conv stage of the stem halves the image. Pick 8, "
                "16 or 32."
            )
        return size, patch, channels

    def _vocab_size(self) -> int:
        text = self.spec.modality.text
        if text is None or text.vocab_size is None:
            return BYTE_VOCAB_PADDED
        if text.vocab_size < BYTE_TOKENIZER_VOCAB:
            raise PlanError(
                f"modality.text.vocab_size ({text.vocab_size}) is smaller than the byte-level "
                f"tokenizer's {BYTE_TOKENIZER_VOCAB} ids (256 bytes + bos, eos, pad). Set it to "
                f"at least {BYTE_TOKENIZER_VOCAB}, or leave it out."
            )
        return text.vocab_size

    def augment_blueprint(self, blueprint: Blueprint) -> Blueprint:
        size, patch, channels = self._image_params()
        stem_stages = int(math.log2(patch)) if self.family == "hybrid" else 0
        blueprint.fixed_dims.update(
            image_size=size,
            patch_size=patch,
            in_channels=channels,
            vision_stem_stages=stem_stages,  # the shapes turn it into vision_stem_channels
            vocab_size=self._vocab_size(),
            norm_eps=1e-5,
            dropout=0.0,
        )
        if self.objective_chosen:
            blueprint.decisions.append(
                f"No training.objective; {self.objective} fits outputs "
                f"{self.spec.modality.outputs}."
            )
        how = "chosen by the objective" if self.fusion_chosen else "set by architecture.fusion"
        blueprint.decisions.append(f"Fusion: {self.fusion} ({how}).")
        if stem_stages:
            blueprint.decisions.append(
                f"Image tower (family hybrid): a convolutional stem of {stem_stages} stride-2 3x3 "
                f"conv-BN-ReLU stages (one per halving of the {patch}-pixel patch; channels "
                f"width/{2 ** (stem_stages - 1)} doubling up to the tower's width) and a 1x1 "
                "projection to the width feeds the transformer layers in place of the patchify "
                "(Xiao et al. 2021)."
            )
        if self.objective == "contrastive":
            self._augment_clip(blueprint)
        else:
            self._augment_vlm(blueprint)
        blueprint.data.update(
            kind="image_text",
            tokenizer="byte",
            image_size=size,
            channels=channels,
            num_classes=SYNTHETIC_CAPTION_CLASSES[channels],
        )
        blueprint.components = [(c.name, c.role) for c in self.generate_components()]
        return blueprint

    def _augment_clip(self, blueprint: Blueprint) -> None:
        context = blueprint.context_length or CLIP_CONTEXT
        blueprint.arch, blueprint.task = "clip", "contrastive"
        blueprint.context_length = context
        blueprint.fixed_dims.update(context_length=context, eot_id=EOS_ID)
        blueprint.data["seq_len"] = min(context, MAX_CAPTION_TOKENS)
        if blueprint.variant is None:
            blueprint.decisions.append(
                "Budget split (CLIP's pattern): the text tower is 2/3 as wide as the image "
                "tower (a multiple of 64) and as deep; the shared embedding is as wide as the "
                "text tower."
            )

    def _augment_vlm(self, blueprint: Blueprint) -> None:
        context = blueprint.context_length or VLM_DEFAULT_CONTEXT
        if blueprint.context_length is None:
            blueprint.decisions.append(
                f"No constraints.context_window; the LM reads up to {VLM_DEFAULT_CONTEXT} text "
                + ("tokens after the image." if self.fusion == "early" else "tokens.")
            )
        blueprint.arch, blueprint.task = "vlm", "vlm"
        blueprint.context_length = context
        blueprint.fixed_dims.update(
            context_length=context,
            norm="rmsnorm",
            mlp="swiglu",
            position="rope",
            bias=False,
            rope_theta=LONG_CONTEXT_ROPE_THETA if context > LONG_CONTEXT else 10_000.0,
            fusion=self.fusion,
            cross_attention_every=CROSS_ATTENTION_EVERY,
        )
        blueprint.data["seq_len"] = min(context, MAX_CAPTION_TOKENS)
        blueprint.decisions.append(
            "Budget split: the image encoder is a standard ViT chosen by the budget (ViT-L from "
            "3B, ViT-B from 500M, ViT-S from 100M, else ViT-Ti), the connector a two-layer MLP, "
            "and the language model takes the rest (the largest standard LM shape that fits)."
        )
        if self.fusion == "late":
            blueprint.decisions.append(
                "Late fusion: the LM encodes the text alone (its KV cache holds text only); the "
                "image tower's tokens are mean-pooled, the connector projects the pooled feature "
                "to the LM width, and a fusion layer (the feature normed, concatenated with each "
                "text position's final state, Linear-GELU-Linear, added back) combines them "
                "before the vocabulary projection. The image feature is computed once and held "
                "fixed while decoding."
            )

    def generate_components(self) -> list[Component]:
        if self.objective == "contrastive":
            return _clip_components(self.family)
        return _vlm_components(self.fusion, self.family)
