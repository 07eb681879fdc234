"""Whisper checkpoints (WhisperForConditionalGeneration, any size) as MetaGen's
speech_encoder_decoder: the config.json's settings as dims, with Whisper's front end (16 kHz,
25 ms windows, 10 ms hops, Slaney mel), and the tensors renamed; the output layer is tied to
the token embedding. Pure Python at import."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metagen.archs.hf_mapping import (
    Row,
    Rule,
    apply_rules,
    check_model_type,
    prefixed,
    require,
    setting,
)

FAMILY = "Whisper"
WHERE = "Whisper config.json"
# Whisper's feature extractor, which config.json does not hold; the encoder's stride-2 conv
# makes each encoder position two hops.
WHISPER_SAMPLE_RATE = 16000
WHISPER_N_FFT = 400
WHISPER_HOP = 160
WHISPER_STEM_STRIDE = 2


def _weight_and_bias(ours: str, theirs: str) -> tuple[Row, Row]:
    return (f"{ours}.weight", f"{theirs}.weight", "copy"), (
        f"{ours}.bias",
        f"{theirs}.bias",
        "copy",
    )


def _attention(ours: str, theirs: str) -> tuple[Row, ...]:
    """Separate q, k, v and output projections, as MetaGen's SpeechAttention: no key bias."""
    return (
        *_weight_and_bias(f"{ours}.query", f"{theirs}.q_proj"),
        (f"{ours}.key.weight", f"{theirs}.k_proj.weight", "copy"),
        *_weight_and_bias(f"{ours}.value", f"{theirs}.v_proj"),
        *_weight_and_bias(f"{ours}.out_proj", f"{theirs}.out_proj"),
    )


MLP: tuple[Row, ...] = (
    *_weight_and_bias("mlp.in_proj", "fc1"),
    *_weight_and_bias("mlp.out_proj", "fc2"),
    *_weight_and_bias("mlp_norm", "final_layer_norm"),
)
# One encoder layer: MetaGen's names (under encoder_blocks.<i>.) from Whisper's (under
# model.encoder.layers.<i>.); a decoder layer adds the cross-attention.
ENCODER_LAYER: tuple[Row, ...] = (
    *_weight_and_bias("attention_norm", "self_attn_layer_norm"),
    *_attention("attention", "self_attn"),
    *MLP,
)
DECODER_LAYER: tuple[Row, ...] = (
    *ENCODER_LAYER,
    *_weight_and_bias("cross_attention_norm", "encoder_attn_layer_norm"),
    *_attention("cross_attention", "encoder_attn"),
)
OUTER: tuple[Row, ...] = (
    ("stem.positions", "model.encoder.embed_positions.weight", "copy"),
    *_weight_and_bias("stem.conv1", "model.encoder.conv1"),
    *_weight_and_bias("stem.conv2", "model.encoder.conv2"),
    *_weight_and_bias("encoder_norm", "model.encoder.layer_norm"),
    ("token_embedding.weight", "model.decoder.embed_tokens.weight", "copy"),
    ("position_embedding.weight", "model.decoder.embed_positions.weight", "copy"),
    *_weight_and_bias("final_norm", "model.decoder.layer_norm"),
    ("lm_head.weight", "model.decoder.embed_tokens.weight", "copy"),  # tied
)


def _token_id(hf_config: Mapping[str, Any], key: str) -> int:
    value = setting(hf_config, key, where=WHERE)
    if not isinstance(value, int):
        raise ValueError(
            f"The {WHERE} sets {key} = {value!r}; MetaGen's decoder starts and ends each "
            "transcript with one token id. Set it to one integer."
        )
    return value


def config_from_hf(hf_config: Mapping[str, Any]) -> dict[str, Any]:
    """speech_encoder_decoder dims from a Whisper config.json. A setting MetaGen does not
    compute (another activation, scaled embeddings, an untied output layer, encoder and
    decoder of different heads or widths) is a ValueError naming it."""
    c = hf_config
    check_model_type(c, "whisper", FAMILY)
    heads = setting(c, "encoder_attention_heads", where=WHERE)
    d_ff = setting(c, "encoder_ffn_dim", where=WHERE)
    require(c, "decoder_attention_heads", heads, None, where=WHERE)  # one n_heads for both
    require(c, "decoder_ffn_dim", d_ff, None, where=WHERE)  # one d_ff for both
    require(c, "activation_function", "gelu", "gelu", where=WHERE)
    require(c, "scale_embedding", False, False, where=WHERE)
    require(c, "tie_word_embeddings", True, True, where=WHERE)
    return {
        "sample_rate": WHISPER_SAMPLE_RATE,
        "clip_samples": WHISPER_STEM_STRIDE
        * setting(c, "max_source_positions", where=WHERE)
        * WHISPER_HOP,
        "n_fft": WHISPER_N_FFT,
        "hop_length": WHISPER_HOP,
        "n_mels": setting(c, "num_mel_bins", where=WHERE),
        "mel_scale": "slaney",
        "vocab_size": setting(c, "vocab_size", where=WHERE),
        "n_text_ctx": setting(c, "max_target_positions", where=WHERE),
        "d_model": setting(c, "d_model", where=WHERE),
        "encoder_layers": setting(c, "encoder_layers", where=WHERE),
        "decoder_layers": setting(c, "decoder_layers", where=WHERE),
        "n_heads": heads,
        "d_ff": d_ff,
        "bos_id": _token_id(c, "decoder_start_token_id"),
        "eos_id": _token_id(c, "eos_token_id"),
        "norm_eps": 1e-5,  # torch's LayerNorm default, which Whisper keeps
        "dropout": 0.0,
    }


def state_dict_from_hf(hf_state: Mapping[str, Any], dims: Mapping[str, Any]) -> dict[str, Any]:
    """speech_encoder_decoder's state_dict from a WhisperForConditionalGeneration checkpoint's
    tensors. proj_out.weight, where saved, must equal the token embedding it is tied to. A
    missing, misshapen or unmapped tensor is a ValueError naming it."""
    rules: list[Rule] = prefixed(OUTER, "", "")
    for i in range(dims["encoder_layers"]):
        rules += prefixed(ENCODER_LAYER, f"encoder_blocks.{i}.", f"model.encoder.layers.{i}.")
    for i in range(dims["decoder_layers"]):
        rules += prefixed(DECODER_LAYER, f"blocks.{i}.", f"model.decoder.layers.{i}.")
    return apply_rules(
        hf_state,
        rules,
        arch="speech_encoder_decoder",
        dims=dims,
        family=FAMILY,
        tied={"proj_out.weight": "model.decoder.embed_tokens.weight"},
    )
