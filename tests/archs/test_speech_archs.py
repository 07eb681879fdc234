"""The speech recognizers: Whisper tiny's published count on the meta device, Whisper's
sinusoids and framing, greedy decoding with a KV cache against full recomputation, and CTC's
best-path decoding."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from tests.archs.small_dims import SPEECH_CTC_BASE, SPEECH_SEQ2SEQ_BASE

from metagen.archs.build import build_from_dims
from metagen.archs.speech_ctc.model import ctc_greedy_decode
from metagen.blueprint.catalog import all_variants
from metagen.blueprint.counts import count_params
from metagen.nn.speech_encoder import speech_sinusoids
from metagen.nn.speech_frontend import SpeechLogMel, speech_tokens

torch.set_num_threads(1)

WHISPER_TINY_PARAMS = 37_760_640  # Hugging Face openai/whisper-tiny
WHISPER_TINY_POSITIONS = 1500 * 384  # the encoder's frozen sinusoidal table


def test_whisper_tiny_has_its_published_count_on_the_meta_device():
    variant = all_variants()["whisper_tiny"]
    assert variant.published_params == WHISPER_TINY_PARAMS
    with torch.device("meta"):
        model = build_from_dims(variant.arch, variant.dims)
    assert sum(p.numel() for p in model.parameters()) == WHISPER_TINY_PARAMS
    assert sum(count_params(variant.arch, variant.dims).values()) == WHISPER_TINY_PARAMS
    # OpenAI's code keeps the sinusoids as a buffer: 37,184,640 trainable parameters.
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert trainable == WHISPER_TINY_PARAMS - WHISPER_TINY_POSITIONS == 37_184_640
    assert model.stem.positions.shape == (1500, 384)
    assert model.lm_head.weight is model.token_embedding.weight
    attention = model.encoder_blocks[0].attention
    assert attention.key.bias is None and attention.query.bias is not None


def whisper_sinusoids(length: int, channels: int) -> np.ndarray:
    """openai/whisper's `sinusoids`, written out in numpy."""
    log_timescale_increment = np.log(10000) / (channels // 2 - 1)
    inv_timescales = np.exp(-log_timescale_increment * np.arange(channels // 2))
    scaled_time = np.arange(length)[:, np.newaxis] * inv_timescales[np.newaxis, :]
    return np.concatenate([np.sin(scaled_time), np.cos(scaled_time)], axis=1)


def test_sinusoids_are_whispers():
    np.testing.assert_allclose(
        speech_sinusoids(50, 32).numpy(), whisper_sinusoids(50, 32), atol=1e-5
    )
    with pytest.raises(ValueError, match="even d_model"):
        speech_sinusoids(10, 7)


def test_whisper_framing_one_frame_per_hop_and_half_as_many_positions():
    assert speech_tokens(480_000, 160) == 1500  # 30 s at 16 kHz: Whisper's n_audio_ctx
    mel = SpeechLogMel(8000, 200, 80, 16)
    for samples in (2000, 1531):
        out = mel(0.01 * torch.randn(1, samples))
        assert out.shape == (1, 16, samples // 80)
        assert speech_tokens(samples, 80) == math.ceil((samples // 80) / 2)


def greedy_by_recomputing(model, waveform: torch.Tensor, steps: int) -> torch.Tensor:
    """Greedy decoding that reruns the whole prefix through forward() at every step; a row
    that has produced the end token keeps producing it."""
    c = model.config
    ids = torch.full((waveform.size(0), 1), c.bos_id, dtype=torch.long)
    done = torch.zeros(waveform.size(0), dtype=torch.bool)
    for _ in range(steps):
        logits = model(waveform=waveform, input_ids=ids)[:, -1]
        next_ids = torch.where(done, c.eos_id, logits.argmax(dim=-1))
        done |= next_ids == c.eos_id
        ids = torch.cat([ids, next_ids[:, None]], dim=1)
    return ids[:, 1:]


def test_kv_cached_decoding_equals_full_recomputation():
    torch.manual_seed(0)
    model = build_from_dims("speech_encoder_decoder", SPEECH_SEQ2SEQ_BASE).eval()
    waveform = 0.1 * torch.randn(3, SPEECH_SEQ2SEQ_BASE["clip_samples"])
    steps = SPEECH_SEQ2SEQ_BASE["n_text_ctx"] - 1
    with torch.no_grad():
        cached = model.generate(waveform, max_new_tokens=steps)
        full = greedy_by_recomputing(model, waveform, cached.size(1))
    assert cached.size(1) >= 2, "decoding must run past the first token to test the cache"
    assert torch.equal(cached, full)
    # the cached features themselves, position by position
    audio_kvs = model.audio_kvs(model.encode(waveform))
    ids = torch.cat([torch.full((3, 1), 256), cached[:, :-1]], dim=1)
    caches = model.new_kv_caches(3, ids.size(1))
    with torch.no_grad():
        step_by_step = torch.cat(
            [model.decode(ids[:, t : t + 1], audio_kvs, caches) for t in range(ids.size(1))], dim=1
        )
        torch.testing.assert_close(step_by_step, model.decode(ids, audio_kvs), atol=1e-5, rtol=1e-5)


def test_decoding_stops_when_every_clip_has_ended():
    torch.manual_seed(0)
    model = build_from_dims("speech_encoder_decoder", SPEECH_SEQ2SEQ_BASE).eval()
    with torch.no_grad():  # every position's features point at the end token's embedding
        model.final_norm.weight.zero_()
        model.final_norm.bias.fill_(1.0)
        model.token_embedding.weight[257].fill_(1.0)
    waveform = 0.1 * torch.randn(2, SPEECH_SEQ2SEQ_BASE["clip_samples"])
    assert model.generate(waveform, max_new_tokens=8).tolist() == [[257], [257]]
    assert model.transcribe(waveform, max_tokens=8) == [[], []]


def test_decoder_rejects_more_positions_than_it_holds():
    model = build_from_dims("speech_encoder_decoder", SPEECH_SEQ2SEQ_BASE)
    ids = torch.zeros(1, SPEECH_SEQ2SEQ_BASE["n_text_ctx"] + 1, dtype=torch.long)
    with pytest.raises(ValueError, match="exceed n_text_ctx"):
        model(waveform=torch.zeros(1, SPEECH_SEQ2SEQ_BASE["clip_samples"]), input_ids=ids)


def test_ctc_best_path_merges_repeats_and_drops_blanks():
    blank = 4
    paths = [[1, 1, blank, 1, 2, 2, blank, blank, 3], [blank, blank, blank, 0, 0, 0, 0, 0, 0]]
    logits = torch.nn.functional.one_hot(torch.tensor(paths), num_classes=5).float()
    assert ctc_greedy_decode(logits) == [[1, 1, 2, 3], [0]]


def test_ctc_model_transcribes_from_its_logits():
    torch.manual_seed(0)
    model = build_from_dims("speech_ctc", SPEECH_CTC_BASE).eval()
    waveform = 0.1 * torch.randn(2, SPEECH_CTC_BASE["clip_samples"])
    with torch.no_grad():
        logits = model(waveform=waveform)
    assert logits.shape[1] == speech_tokens(SPEECH_CTC_BASE["clip_samples"], 80)
    assert model.transcribe(waveform, max_tokens=100) == ctc_greedy_decode(logits)
    assert all(len(ids) <= 2 for ids in model.transcribe(waveform, max_tokens=2))


@pytest.mark.parametrize(
    ("arch", "change", "words"),
    [
        ("speech_encoder_decoder", {"n_heads": 5}, r"d_model \(32\) must be divisible"),
        ("speech_encoder_decoder", {"eos_id": 259}, r"eos_id \(259\) must be below vocab_size"),
        ("speech_encoder_decoder", {"clip_samples": 100}, "shorter than n_fft"),
        ("speech_ctc", {"vocab_size": 1}, "at least 2"),
        ("speech_ctc", {"d_model": 27, "n_heads": 3}, "even d_model"),
    ],
)
def test_bad_dims_are_value_errors(arch, change, words):
    base = SPEECH_SEQ2SEQ_BASE if arch == "speech_encoder_decoder" else SPEECH_CTC_BASE
    with pytest.raises(ValueError, match=words):
        build_from_dims(arch, {**base, **change})
