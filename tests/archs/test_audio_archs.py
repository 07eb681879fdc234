"""The audio blocks against independent references: the mel filterbank and the log-mel
spectrogram against numpy written from the definitions, KV-cache decoding against full
recomputation, and the KV-cache bytes of the plan against the real cache tensors."""

import numpy as np
import pytest
import torch
from tests.archs.small_dims import SMALL_DIMS

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.blueprint.counts import count_kv_cache_bytes
from metagen.nn.audio_frontend import LogMelSpectrogram, hz_to_mel, mel_filterbank, mel_to_hz

torch.set_num_threads(1)


def numpy_htk_filterbank(n_freqs: int, n_mels: int, sample_rate: int) -> np.ndarray:
    """Triangles written directly: filter m rises linearly from edge m to 1 at edge m+1 and
    falls to 0 at edge m+2, edges evenly spaced on 2595 * log10(1 + f / 700)."""
    top = 2595.0 * np.log10(1.0 + (sample_rate / 2) / 700.0)
    edges = 700.0 * (10.0 ** (np.linspace(0.0, top, n_mels + 2) / 2595.0) - 1.0)
    freqs = np.linspace(0.0, sample_rate / 2, n_freqs)
    bank = np.zeros((n_freqs, n_mels))
    for m in range(n_mels):
        bank[:, m] = np.interp(freqs, edges[m : m + 3], [0.0, 1.0, 0.0], left=0.0, right=0.0)
    return bank


def numpy_log_mel(wave: np.ndarray, sample_rate: int, n_fft: int, hop: int, n_mels: int):
    """Centred frames with reflect padding, periodic Hann, rfft power, mel, Whisper's log."""
    padded = np.pad(wave, n_fft // 2, mode="reflect")
    frames = 1 + (len(padded) - n_fft) // hop
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    spectra = np.stack(
        [np.fft.rfft(padded[i * hop : i * hop + n_fft] * window) for i in range(frames)], axis=1
    )  # (F, frames)
    mel = numpy_htk_filterbank(n_fft // 2 + 1, n_mels, sample_rate).T @ np.abs(spectra) ** 2
    x = np.log10(np.maximum(mel, 1e-10))
    x = np.maximum(x, x.max() - 8.0)
    return (x + 4.0) / 4.0


@pytest.mark.parametrize(
    ("n_freqs", "n_mels", "rate"), [(513, 80, 16000), (257, 40, 8000), (201, 64, 22050)]
)
def test_filterbank_matches_numpy_triangles(n_freqs, n_mels, rate):
    ours = mel_filterbank(n_freqs, n_mels, rate).double().numpy()
    np.testing.assert_allclose(ours, numpy_htk_filterbank(n_freqs, n_mels, rate), atol=1e-6)


def test_filterbank_peaks_at_mel_spaced_centres_and_tiles_the_band():
    rate, n_freqs, n_mels = 16000, 2049, 40  # fine bins: every peak lands near its centre
    bank = mel_filterbank(n_freqs, n_mels, rate).double().numpy()
    freqs = np.linspace(0, rate / 2, n_freqs)
    centres = mel_to_hz(torch.linspace(0.0, hz_to_mel(rate / 2), n_mels + 2).double())[1:-1]
    peaks = freqs[bank.argmax(axis=0)]
    bin_width = freqs[1]
    # the bin before or after the centre: triangles are asymmetric in Hz
    assert np.all(np.abs(peaks - centres.numpy()) < bin_width)
    assert np.all(bank.max(axis=0) > 0.95) and bank.max() <= 1.0  # 1 at the centre itself
    inside = (freqs >= centres[0].item()) & (freqs <= centres[-1].item())
    np.testing.assert_allclose(bank[inside].sum(axis=1), 1.0, atol=1e-9)  # hats sum to one
    assert abs(hz_to_mel(1000.0) - 1000.0) < 0.1  # the HTK scale's anchor: 1 kHz = 1000 mel


@pytest.mark.parametrize(
    ("rate", "n_fft", "hop", "n_mels", "n"),
    [(16000, 1024, 256, 80, 16000), (8000, 512, 128, 40, 3001)],
)
def test_log_mel_matches_numpy_reference(rate, n_fft, hop, n_mels, n):
    rng = np.random.default_rng(0)
    t = np.arange(n) / rate
    wave = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(n)
    frontend = LogMelSpectrogram(rate, n_fft, hop, n_mels)
    ours = frontend(torch.tensor(wave, dtype=torch.float32)[None])[0].double().numpy()
    reference = numpy_log_mel(wave, rate, n_fft, hop, n_mels)
    assert ours.shape == reference.shape == (n_mels, 1 + n // hop)
    np.testing.assert_allclose(ours, reference, atol=2e-4)


def test_a_pure_tone_lights_the_mel_bin_of_its_frequency():
    rate, n_mels = 16000, 80
    frontend = LogMelSpectrogram(rate, 1024, 256, n_mels)
    bank = mel_filterbank(513, n_mels, rate)
    freqs = torch.linspace(0, rate / 2, 513)
    for hz in (300.0, 1000.0, 3500.0):
        wave = torch.sin(2 * torch.pi * hz * torch.arange(rate) / rate)[None]
        strongest = int(frontend(wave)[0].mean(dim=1).argmax())
        bin_of_tone = int((freqs - hz).abs().argmin())
        assert strongest == int(bank[bin_of_tone].argmax()), hz


def test_clips_longer_than_the_position_table_are_refused():
    dims = SMALL_DIMS["audio_transformer"]["base"]
    model = build_from_dims("audio_transformer", dims)
    with pytest.raises(ValueError, match="position table"):
        model(waveform=torch.zeros(1, 3 * dims["clip_samples"]))
    shorter = model(waveform=torch.zeros(1, dims["clip_samples"] // 2))
    assert shorter.shape == (1, dims["num_classes"])


def _reference_greedy(model, prompt, steps):
    """Greedy decoding by full recomputation, with generate's window rule: when the window
    would exceed the context, it restarts from the last context // 2 tokens."""
    context, start = model.config.context_length, 0
    tokens = [model.config.n_levels]
    memory = model.memory_kvs(model.encode(prompt))
    for t in range(1, steps + 1):
        if t - start > context:
            start = t - context // 2
        window = torch.tensor([tokens[start:t]])
        logits = model.forward_head(model.decode(window, memory))[0, -1]
        tokens.append(int(logits.argmax()))
    return tokens[1:]


@pytest.mark.parametrize("steps", [10, 40], ids=["within-context", "sliding-window"])
def test_kv_cache_generation_equals_full_recomputation(steps):
    dims = {**SMALL_DIMS["audio_lm"]["gqa"], "context_length": 16}
    torch.manual_seed(0)
    model = build_from_dims("audio_lm", dims).eval()
    prompt = example_inputs_for("audio_lm", dims, 1)["prompt"]
    with torch.no_grad():
        generated = model.generate(prompt, steps, temperature=0.0)
        expected = _reference_greedy(model, prompt, steps)
    assert generated.shape == (1, steps)
    assert generated[0].tolist() == expected


def test_the_prompt_conditions_the_decoder():
    dims = SMALL_DIMS["audio_lm"]["gqa"]
    torch.manual_seed(0)
    model = build_from_dims("audio_lm", dims).eval()
    inputs = example_inputs_for("audio_lm", dims, 1)
    with torch.no_grad():
        a = model(**inputs)
        b = model(prompt=inputs["prompt"].flip(-1), input_ids=inputs["input_ids"])
    assert not torch.allclose(a, b)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_audio_lm_kv_cache_bytes_match_cache_tensors(dtype):
    dims = SMALL_DIMS["audio_lm"]["gqa"]
    model = build_from_dims("audio_lm", dims).to(dtype)
    caches = model.new_kv_caches(batch_size=2, max_len=dims["context_length"])
    real = sum(c.keys.nbytes + c.values.nbytes for c in caches)
    element = torch.finfo(dtype).bits // 8
    assert count_kv_cache_bytes(dims, dims["context_length"], element, batch_size=2) == real
