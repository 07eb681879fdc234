"""Hugging Face Whisper (WhisperForConditionalGeneration) -> speech_encoder_decoder: the dims
from its config.json and the tensors renamed into MetaGen's names. Pure Python at import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from metagen.archs.hf_mapping import Rule, check_model_type, gather, hf_field, refuse, require

if TYPE_CHECKING:
    from torch import Tensor

FAMILY = "Whisper"
# Whisper's feature extractor (not in config.json): 16 kHz, 25 ms windows, 10 ms hops, and the
# encoder's stride-2 conv, so each encoder position covers two hops.
WHISPER_SAMPLE_RATE = 16000
WHISPER_N_FFT = 400
WHISPER_HOP = 160
WHISPER_STEM_STRIDE = 2
# (MetaGen's name in an attention layer, Hugging Face's), for self- and cross-attention.
ATTENTION_NAMES = (("query", "q_proj"), ("key", "k_proj"), ("value", "v_proj"))
ATTENTION_PARAMS = (
    *((f"{ours}.weight", f"{theirs}.weight") for ours, theirs in ATTENTION_NAMES),
    ("query.bias", "q_proj.bias"),  # no key bias, in both
    ("value.bias", "v_proj.bias"),
    ("out_proj.weight", "out_proj.weight"),
    ("out_proj.bias", "out_proj.bias"),
)


def _token_id(hf_config: dict[str, Any], key: str) -> int:
    value = hf_field(hf_config, key, FAMILY)
    if not isinstance(value, int):
        raise refuse(FAMILY, key, value, "MetaGen's decoder starts and ends with one token each")
    return value


def config_from_hf(hf_config: dict[str, Any]) -> dict[str, Any]:
    """speech_encoder_decoder dims from a Whisper config.json; refuses what the model cannot
    compute exactly (another activation, scaled embeddings, an untied output layer, encoder
    and decoder of different widths)."""
    check_model_type(hf_config, FAMILY, ("whisper",))

    def field(key: str) -> Any:
        return hf_field(hf_config, key, FAMILY)

    heads, d_ff = field("encoder_attention_heads"), field("encoder_ffn_dim")
    shared = "MetaGen's encoder and decoder share it"
    require(hf_config, FAMILY, "decoder_attention_heads", heads, None, shared)
    require(hf_config, FAMILY, "decoder_ffn_dim", d_ff, None, shared)
    require(hf_config, FAMILY, "activation_function", "gelu", "gelu", "MetaGen's MLP uses GELU")
    require(
        hf_config,
        FAMILY,
        "scale_embedding",
        False,
        False,
        "MetaGen's decoder adds unscaled token embeddings",
    )
    require(
        hf_config,
        FAMILY,
        "tie_word_embeddings",
        True,
        True,
        "MetaGen's decoder ties its output layer to the token embedding",
    )
    return {
        "sample_rate": WHISPER_SAMPLE_RATE,
        "clip_samples": WHISPER_STEM_STRIDE * field("max_source_positions") * WHISPER_HOP,
        "n_fft": WHISPER_N_FFT,
        "hop_length": WHISPER_HOP,
        "n_mels": field("num_mel_bins"),
        "mel_scale": "slaney",
        "vocab_size": field("vocab_size"),
        "n_text_ctx": field("max_target_positions"),
        "d_model": field("d_model"),
        "encoder_layers": field("encoder_layers"),
        "decoder_layers": field("decoder_layers"),
        "n_heads": heads,
        "d_ff": d_ff,
        "bos_id": _token_id(hf_config, "decoder_start_token_id"),
        "eos_id": _token_id(hf_config, "eos_token_id"),
        "norm_eps": 1e-5,  # torch's LayerNorm default, which Whisper keeps
        "dropout": 0.0,
    }


def _attention(ours: str, theirs: str) -> list[Rule]:
    return [(f"{ours}.{a}", f"{theirs}.{b}") for a, b in ATTENTION_PARAMS]


def _weight_and_bias(ours: str, theirs: str) -> list[Rule]:
    """A layer with a weight and a bias (linear, conv, LayerNorm), renamed."""
    return [(f"{ours}.weight", f"{theirs}.weight"), (f"{ours}.bias", f"{theirs}.bias")]


def _mlp(ours: str, theirs: str) -> list[Rule]:
    return [
        *_weight_and_bias(f"{ours}.mlp.in_proj", f"{theirs}.fc1"),
        *_weight_and_bias(f"{ours}.mlp.out_proj", f"{theirs}.fc2"),
        *_weight_and_bias(f"{ours}.mlp_norm", f"{theirs}.final_layer_norm"),
    ]


def _rules(dims: dict[str, Any]) -> list[Rule]:
    enc, dec = "model.encoder", "model.decoder"
    rules: list[Rule] = [
        ("stem.positions", f"{enc}.embed_positions.weight"),
        *_weight_and_bias("stem.conv1", f"{enc}.conv1"),
        *_weight_and_bias("stem.conv2", f"{enc}.conv2"),
    ]
    for i in range(dims["encoder_layers"]):
        ours, theirs = f"encoder_blocks.{i}", f"{enc}.layers.{i}"
        rules += _weight_and_bias(f"{ours}.attention_norm", f"{theirs}.self_attn_layer_norm")
        rules += _attention(f"{ours}.attention", f"{theirs}.self_attn")
        rules += _mlp(ours, theirs)
    rules += _weight_and_bias("encoder_norm", f"{enc}.layer_norm")
    rules += [
        ("token_embedding.weight", f"{dec}.embed_tokens.weight"),
        ("position_embedding.weight", f"{dec}.embed_positions.weight"),
    ]
    for i in range(dims["decoder_layers"]):
        ours, theirs = f"blocks.{i}", f"{dec}.layers.{i}"
        rules += _weight_and_bias(f"{ours}.attention_norm", f"{theirs}.self_attn_layer_norm")
        rules += _attention(f"{ours}.attention", f"{theirs}.self_attn")
        rules += _weight_and_bias(
            f"{ours}.cross_attention_norm", f"{theirs}.encoder_attn_layer_norm"
        )
        rules += _attention(f"{ours}.cross_attention", f"{theirs}.encoder_attn")
        rules += _mlp(ours, theirs)
    rules += _weight_and_bias("final_norm", f"{dec}.layer_norm")
    rules.append(("lm_head.weight", f"{dec}.embed_tokens.weight"))  # tied
    return rules


def state_dict_from_hf(hf_state: dict[str, Tensor], dims: dict[str, Any]) -> dict[str, Tensor]:
    """MetaGen's speech_encoder_decoder state_dict from a WhisperForConditionalGeneration one;
    proj_out.weight, where saved, must equal the token embedding it is tied to."""
    return gather(
        hf_state,
        _rules(dims),
        "speech_encoder_decoder",
        dims,
        family=FAMILY,
        tied={"proj_out.weight": "model.decoder.embed_tokens.weight"},
    )
