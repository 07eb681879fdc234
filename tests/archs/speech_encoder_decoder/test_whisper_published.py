"""Whisper's published front end: MetaGen's Slaney filterbank and log-mel against Hugging Face
transformers' (built from arguments, nothing downloaded)."""

import numpy as np
import pytest
import torch
from transformers import WhisperFeatureExtractor
from transformers.audio_utils import mel_filter_bank

from metagen.nn.audio_frontend import mel_filterbank
from metagen.nn.speech_frontend import SpeechLogMel

torch.set_num_threads(1)

RATE, N_FFT, HOP = 16000, 400, 160


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
