"""Text: a causal decoder language model (GPT-style, with current large-model practice), or,
for the masked objective, a bidirectional encoder with an MLM head (BERT)."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.blueprint.smoke import SMOKE_LM_VOCAB
from metagen.handlers.modalities.base import Component, ModalityHandler
from metagen.handlers.modalities.registry import register_modality
from metagen.handlers.planned import OBJECTIVES, not_built

# Byte-level tokenizer: 256 bytes and three specials (bos, eos, pad), padded to a multiple of
# 64 so the embedding and the LM head keep friendly matrix shapes.
BYTE_TOKENIZER_VOCAB = 259
# Masked LMs add a [MASK] id (259) to the byte tokenizer.
MASKED_TOKENIZER_VOCAB = 260
BYTE_VOCAB_PADDED = 320
DEFAULT_CONTEXT = 2048
# Longest training sequence at full scale; the context window still sizes the KV cache.
MAX_TRAIN_SEQ_LEN = 2048
# Llama 3 raises the RoPE base for long contexts.
LONG_CONTEXT = 8192
LONG_CONTEXT_ROPE_THETA = 500_000.0
# BERT's position table and longest training sequence.
DEFAULT_MLM_CONTEXT = 512
MAX_MLM_TRAIN_SEQ_LEN = 512
TEXT_OBJECTIVES = ("autoregressive", "masked")
# The plan's words for the dims' choices. GELU_NAMES covers nn/mlp.py's GELU_ACTIVATIONS.
NORM_NAMES = {"rmsnorm": "RMSNorm", "layernorm": "LayerNorm"}
GELU_NAMES = {
    "gelu": "GELU (exact, erf)",
    "gelu_tanh": "GELU (tanh approximation)",
    "quick_gelu": "quick GELU (x * sigmoid(1.702 x))",
}


def plan_bpe(spec, blueprint: Blueprint) -> None:
    """Where the spec asks for `tokenizer: bpe`: the data config names it and its size (the
    smoke scale's as small as its model's vocabulary), which train.py trains on the training
    split's text."""
    text = spec.modality.text
    if text is None or text.tokenizer != "bpe":
        return
    blueprint.data.update(tokenizer="bpe", vocab_size=text.vocab_size)
    blueprint.smoke_data.update(vocab_size=min(text.vocab_size, SMOKE_LM_VOCAB))
    blueprint.decisions.append(
        f"Tokenizer: a byte-level BPE of at most {text.vocab_size:,} tokens (256 bytes, 4 "
        "specials and merges), trained by train.py on the training split's text and saved "
        "as tokenizer.json beside the checkpoints."
    )


def check_planned_tokenizer(spec, blueprint: Blueprint, dims: dict[str, Any]) -> None:
    """A BPE the spec asks for is one the planned model (solved `dims`) trains, and fits
    its embedding."""
    text = spec.modality.text
    if text is None or text.tokenizer != "bpe":
        return
    if blueprint.data.get("tokenizer") != "bpe":
        raise PlanError(
            f"modality.text.tokenizer 'bpe' is built for text language models, masked LMs and "
            f"text classifiers, regressors, embedders and rankers; this spec plans a "
            f"{blueprint.arch} ({blueprint.task}), which reads its text without one. Remove "
            "tokenizer: bpe, or set it to byte."
        )
    rows = dims.get("vocab_size", 0)
    if rows < text.vocab_size:
        raise PlanError(
            f"modality.text.vocab_size ({text.vocab_size}) is more tokens than the model's "
            f"embedding has rows ({rows}, fixed by {blueprint.variant or 'architecture.dims'}). "
            f"Set vocab_size to at most {rows}."
        )


def gelu_name(dims: dict[str, Any]) -> str:
    """The plan's words for the GELU MLP's activation; dims without one keep the exact GELU,
    as the config's default does."""
    return GELU_NAMES[dims.get("activation", "gelu")]


def decoder_components(dims: dict[str, Any]) -> list[Component]:
    """A decoder LM's parts as its solved dims build them."""
    norm = NORM_NAMES[dims["norm"]]
    if dims["n_kv_heads"] < dims["n_heads"]:
        attention = (
            f"grouped-query attention ({dims['n_heads']} query heads, "
            f"{dims['n_kv_heads']} key/value heads)"
        )
    else:
        attention = f"multi-head attention ({dims['n_heads']} heads)"
    mlp = "a SwiGLU MLP" if dims["mlp"] == "swiglu" else f"a {gelu_name(dims)} MLP"
    biases = "with biases" if dims["bias"] else "no biases"
    parts = []
    if dims["position"] == "rope":
        parts.append(
            Component(
                "token_embedding",
                f"Embedding: token embeddings; positions by RoPE (theta {dims['rope_theta']:,.0f}) "
                "in every attention layer",
            )
        )
    else:
        parts += [
            Component("token_embedding", "Embedding: token embeddings"),
            Component(
                "position_embedding",
                f"Learned position embeddings ({dims['context_length']:,} positions), added to "
                "the tokens",
            ),
        ]
    head = "tied to the token embedding" if dims["tie_embeddings"] else "its own weight (untied)"
    return parts + [
        Component(
            "blocks",
            f"Decoder: pre-norm transformer layers ({norm}) with causal {attention} and "
            f"{mlp}; {biases}",
        ),
        Component("final_norm", f"{norm} before the output"),
        Component("lm_head", f"Output: linear projection to the vocabulary, {head}"),
    ]


def masked_components(dims: dict[str, Any]) -> list[Component]:
    """A masked-LM encoder's parts as its solved dims build them."""
    components = [
        Component(
            "embeddings",
            "Embedding: token, learned position and token-type embeddings, LayerNorm",
        ),
        Component(
            "blocks",
            f"Encoder: {dims['norm_position']}-norm transformer layers with bidirectional "
            "multi-head attention",
        ),
    ]
    if dims["norm_position"] == "pre":  # pre-norm blocks leave the stream unnormalized
        components.append(Component("final_norm", "LayerNorm on the encoder's output"))
    if dims["pooler"]:
        components.append(
            Component(
                "pooler",
                "Pooler: dense + tanh on the first token (frozen: the MLM loss does not train it)",
            )
        )
    components.append(
        Component(
            "mlm_head",
            "Output: dense + GELU + LayerNorm, decoder "
            "tied to the token embedding, vocabulary bias",
        )
    )
    return components


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
        chosen = [o for o in objectives if o in TEXT_OBJECTIVES]
        other = [o for o in objectives if o not in TEXT_OBJECTIVES]
        if other:  # never train silently on an objective the spec did not ask for
            raise PlanError(
                f"training.objective '{other[0]}' does not fit a text-to-text model, which "
                "trains autoregressive (a causal decoder LM) or masked (a bidirectional encoder "
                "with an MLM head). Use one of those, or set task.type for another task (for "
                "example classification)."
            )
        if len(chosen) > 1:
            raise PlanError(
                f"training.objective lists {' and '.join(chosen)}; a text model trains with one: "
                "autoregressive (a causal decoder LM) or masked (a bidirectional encoder with "
                "an MLM head). Keep one of them."
            )
        self.objective = chosen[0] if chosen else "autoregressive"

    def _vocab_size(self) -> int:
        text = self.spec.modality.text
        if text is None or text.vocab_size is None:
            return BYTE_VOCAB_PADDED
        if text.tokenizer == "bpe":  # the spec checked it holds the bytes and specials
            return text.vocab_size
        needed, ids = BYTE_TOKENIZER_VOCAB, "256 bytes + bos, eos, pad"
        if self.objective == "masked":
            needed, ids = MASKED_TOKENIZER_VOCAB, "256 bytes + bos, eos, pad, mask"
        if text.vocab_size < needed:
            raise PlanError(
                f"modality.text.vocab_size ({text.vocab_size}) is smaller than the byte-level "
                f"tokenizer's {needed} ids ({ids}). Set it to at least {needed}, or leave it out."
            )
        return text.vocab_size

    def augment_blueprint(self, blueprint: Blueprint) -> Blueprint:
        if self.objective == "masked":
            return self._augment_masked(blueprint)
        context = blueprint.context_length or DEFAULT_CONTEXT
        dims_context = "context_length" in (blueprint.given_dims or {})
        if blueprint.context_length is None and blueprint.variant is None and not dims_context:
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
        blueprint.data.update(
            kind="text", tokenizer="byte", seq_len=min(context, MAX_TRAIN_SEQ_LEN)
        )
        plan_bpe(self.spec, blueprint)
        return blueprint

    def _augment_masked(self, blueprint: Blueprint) -> Blueprint:
        context = blueprint.context_length or DEFAULT_MLM_CONTEXT
        given = blueprint.given_dims or {}
        if (
            blueprint.context_length is None
            and blueprint.variant is None
            and "context_length" not in given
        ):
            blueprint.decisions.append(
                f"No constraints.context_window; the encoder's position table has "
                f"{DEFAULT_MLM_CONTEXT} rows (BERT)."
            )
        blueprint.arch = "encoder_mlm"
        blueprint.task = "masked_lm"
        blueprint.context_length = context
        blueprint.fixed_dims.update(
            vocab_size=self._vocab_size(),
            context_length=context,
            # The built-in data and plain-text files hold no sentence pairs: one token type,
            # as RoBERTa has. The pooler served BERT's next-sentence task, which is not built.
            type_vocab_size=1,
            norm_position="post",
            pooler=False,
            norm_eps=1e-12,
            dropout=0.0,
        )
        blueprint.data.update(
            kind="text", tokenizer="byte", seq_len=min(context, MAX_MLM_TRAIN_SEQ_LEN)
        )
        plan_bpe(self.spec, blueprint)
        random = "token" if blueprint.data["tokenizer"] == "bpe" else "byte"
        blueprint.decisions.append(
            "Masked objective: a bidirectional encoder; 15% of the tokens are chosen for "
            f"prediction (80% become [MASK], 10% a random {random}, 10% stay), as in BERT."
        )
        return blueprint

    def describe(self, dims: dict[str, Any]) -> list[Component]:
        if self.objective == "masked":
            return masked_components(dims)
        return decoder_components(dims)
