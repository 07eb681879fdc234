"""Text: a causal decoder language model (GPT-style, with current large-model practice)."""

from __future__ import annotations

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import Component, ModalityHandler
from metagen.handlers.modalities.registry import register_modality
from metagen.handlers.planned import OBJECTIVES, not_built

# Byte-level tokenizer: 256 bytes and three specials (bos, eos, pad), padded to a multiple of
# 64 so the embedding and the LM head keep friendly matrix shapes.
BYTE_TOKENIZER_VOCAB = 259
BYTE_VOCAB_PADDED = 320
DEFAULT_CONTEXT = 2048
# Longest training sequence at full scale; the context window still sizes the KV cache.
MAX_TRAIN_SEQ_LEN = 2048
# Llama 3 raises the RoPE base for long contexts.
LONG_CONTEXT = 8192
LONG_CONTEXT_ROPE_THETA = 500_000.0


@register_modality
class TextModalityHandler(ModalityHandler):
    name = "TextModalityHandler"
    modality = "text"
    families = ("transformer",)

    def __init__(self, spec):
        super().__init__(spec)
        objectives = spec.training.objective if spec.training else []
        for objective in objectives:
            if objective in OBJECTIVES:
                raise not_built(OBJECTIVES[objective], "training.objective", objective)

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
        context = blueprint.context_length or DEFAULT_CONTEXT
        if blueprint.context_length is None and blueprint.variant is None:
            blueprint.decisions.append(
                f"No constraints.context_window; using {DEFAULT_CONTEXT} tokens."
            )
        blueprint.arch = "decoder_lm"
        blueprint.task = "language_modeling"
        blueprint.context_length = context
        blueprint.fixed_dims.update(
            vocab_size=self._vocab_size(),
            context_length=context,
            norm="rmsnorm",
            mlp="swiglu",
            position="rope",
            bias=False,
            rope_theta=LONG_CONTEXT_ROPE_THETA if context > LONG_CONTEXT else 10_000.0,
            norm_eps=1e-5,
            dropout=0.0,
        )
        blueprint.data.update(kind="text", tokenizer="byte", seq_len=min(context, MAX_TRAIN_SEQ_LEN))
        blueprint.components = [(c.name, c.role) for c in self.generate_components()]
        return blueprint

    def generate_components(self) -> list[Component]:
        return [
            Component("token_embedding", "Embedding: token embeddings; positions by RoPE"),
            Component("blocks", "Decoder: transformer layers with causal multi-head attention"),
            Component("final_norm", "RMSNorm before the output"),
            Component("lm_head", "Output: linear projection to the vocabulary"),
        ]
