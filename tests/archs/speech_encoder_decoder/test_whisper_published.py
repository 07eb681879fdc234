"""Whisper's published function: MetaGen's Slaney filterbank and log-mel against Hugging Face
transformers' (built from arguments, nothing downloaded), and a transformers Whisper with
seeded random weights, mapped by hf_weights.py, against MetaGen's model: the same logits from
the same log-mel and from the same waveform through each side's own front end."""

import numpy as np
import pytest
import torch
from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration
from transformers.audio_utils import mel_filter_bank

from metagen.archs.build import build_from_dims
from metagen.archs.speech_encoder_decoder.hf_weights import config_from_hf, state_dict_from_hf
from metagen.nn.audio_frontend import mel_filterbank
from metagen.nn.speech_frontend import SpeechLogMel

torch.set_num_threads(1)

RATE, N_FFT, HOP = 16000, 400, 160
CLIP_SECONDS = 1  # 100 log-mel frames, 50 encoder positions


def waveform(n: int, seed: int = 0) -> np.ndarray:
    """A tone with noise, float32, as a clip read from a file would be."""
    t = np.arange(n) / RATE
    noise = np.random.default_rng(seed).standard_normal(n)
    return (0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * noise).astype(np.float32)


@pytest.mark.parametrize(("n_fft", "n_mels", "rate"), [(400, 80, 16000), (400, 128, 16000)])
def test_slaney_filterbank_equals_transformers(n_fft, n_mels, rate):
    reference = mel_filter_bank(
        num_frequency_bins=n_fft // 2 + 1,
        num_mel_filters=n_mels,
        min_frequency=0.0,
        max_frequency=rate / 2,
        sampling_rate=rate,
        norm="slaney",
        mel_scale="slaney",
    )
    ours = mel_filterbank(n_fft // 2 + 1, n_mels, rate, mel_scale="slaney").double().numpy()
    np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-6)


def test_log_mel_equals_whisper_feature_extractor():
    extractor = WhisperFeatureExtractor(
        feature_size=80, sampling_rate=RATE, hop_length=HOP, chunk_length=2, n_fft=N_FFT
    )
    # Two clips of different loudness: the 8-decade floor is each clip's own.
    clips = [waveform(2 * RATE, seed=0), 0.01 * waveform(2 * RATE, seed=1)]
    reference = extractor(clips, sampling_rate=RATE, return_tensors="np").input_features
    ours = SpeechLogMel(RATE, N_FFT, HOP, 80, mel_scale="slaney")(torch.tensor(np.stack(clips)))
    assert ours.shape == reference.shape == (2, 80, 200)
    np.testing.assert_allclose(ours.numpy(), reference, rtol=0, atol=1e-5)
    htk = SpeechLogMel(RATE, N_FFT, HOP, 80, mel_scale="htk")(torch.tensor(np.stack(clips)))
    assert np.abs(htk.numpy() - reference).max() > 0.1  # the filterbank is what differs


def tiny_whisper_config(**overrides) -> WhisperConfig:
    values = dict(
        vocab_size=96,
        num_mel_bins=80,
        d_model=32,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_source_positions=CLIP_SECONDS * RATE // HOP // 2,
        max_target_positions=16,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=3,
        suppress_tokens=[],
        begin_suppress_tokens=[],
    )
    return WhisperConfig(**{**values, **overrides})


@pytest.fixture(scope="module")
def whisper_pair():
    """(transformers' Whisper, MetaGen's with its weights), both float32 in eval mode."""
    config = tiny_whisper_config()
    torch.manual_seed(0)
    reference = WhisperForConditionalGeneration(config).eval()
    with torch.no_grad():  # every tensor random and large enough for logits of about 1
        for name, tensor in reference.named_parameters():
            if "layer_norm" in name and name.endswith("weight"):
                tensor.normal_(1.0, 0.2)
            elif name != "model.encoder.embed_positions.weight":  # Whisper's sinusoids
                tensor.normal_(0.0, 0.2)
    dims = config_from_hf(config.to_dict())
    model = build_from_dims("speech_encoder_decoder", dims).eval()
    model.load_state_dict(state_dict_from_hf(reference.state_dict(), dims), strict=True)
    return reference, model, dims


def test_config_gives_whispers_front_end_and_shapes(whisper_pair):
    _, _, dims = whisper_pair
    assert dims["mel_scale"] == "slaney"
    assert (dims["sample_rate"], dims["n_fft"], dims["hop_length"]) == (RATE, N_FFT, HOP)
    assert dims["clip_samples"] == CLIP_SECONDS * RATE
    assert (dims["bos_id"], dims["eos_id"]) == (3, 2)


def test_same_logits_from_the_same_log_mel(whisper_pair):
    reference, model, dims = whisper_pair
    generator = torch.Generator().manual_seed(1)
    frames = dims["clip_samples"] // dims["hop_length"]  # Whisper's encoder reads exactly these
    mel = torch.randn(2, 80, frames, generator=generator)
    ids = torch.randint(dims["vocab_size"], (2, 7), generator=generator)
    with torch.no_grad():
        expected = reference(input_features=mel, decoder_input_ids=ids).logits
        ours = model.forward_head(model.decode(ids, model.audio_kvs(model.encode_mel(mel))))
    torch.testing.assert_close(ours, expected, rtol=0, atol=1e-5)


def test_same_logits_from_the_same_waveform(whisper_pair):
    reference, model, dims = whisper_pair
    extractor = WhisperFeatureExtractor(
        feature_size=80, sampling_rate=RATE, hop_length=HOP, chunk_length=CLIP_SECONDS
    )
    clip = waveform(dims["clip_samples"])
    features = extractor(clip, sampling_rate=RATE, return_tensors="pt").input_features
    ids = torch.tensor([[3, 5, 9, 11, 40]])
    with torch.no_grad():
        expected = reference(input_features=features, decoder_input_ids=ids).logits
        ours = model(waveform=torch.from_numpy(clip)[None], input_ids=ids)
    torch.testing.assert_close(ours, expected, rtol=0, atol=1e-5)


def test_a_missing_or_misshapen_tensor_is_named(whisper_pair):
    reference, _, dims = whisper_pair
    state = reference.state_dict()
    missing = "model.decoder.layers.1.encoder_attn.v_proj.bias"
    with pytest.raises(ValueError, match=f"no tensor '{missing}'"):
        state_dict_from_hf({k: v for k, v in state.items() if k != missing}, dims)
    wrong = "model.encoder.layers.0.fc1.weight"
    with pytest.raises(ValueError, match=rf"'{wrong}' has shape \(64, 31\)"):
        state_dict_from_hf({**state, wrong: state[wrong][:, :31]}, dims)
    extra = "model.encoder.layers.2.fc1.weight"  # a layer the config does not describe
    with pytest.raises(ValueError, match=f"holds '{extra}'"):
        state_dict_from_hf({**state, extra: state[wrong]}, dims)
    untied = {**state, "proj_out.weight": state["proj_out.weight"] + 1}
    with pytest.raises(ValueError, match="'proj_out.weight' differs"):
        state_dict_from_hf(untied, dims)


@pytest.mark.parametrize(
    ("override", "setting"),
    [
        ({"activation_function": "relu"}, "activation_function"),
        ({"decoder_ffn_dim": 48}, "decoder_ffn_dim"),
        ({"scale_embedding": True}, "scale_embedding"),
        ({"tie_word_embeddings": False}, "tie_word_embeddings"),
        ({"model_type": "wav2vec2"}, "for a .wav2vec2. model"),
    ],
)
def test_config_refuses_what_metagen_cannot_compute(override, setting):
    config = {**tiny_whisper_config().to_dict(), **override}
    with pytest.raises(ValueError, match=setting):
        config_from_hf(config)
