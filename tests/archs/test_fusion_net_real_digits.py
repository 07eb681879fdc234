"""fusion_net on real data (the fusion guide's real-data case): scikit-learn's handwritten
digits paired with the same digit spoken by espeak-ng, each modality corrupted with noise on
30% of the samples (tests/archs/fusion_digits_data.py). Held out by scan and by voice, the
fused model beats the better of its two inputs alone, and stays within the ceilings a perfect
reader would have."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch
from tests.archs.fusion_digits_data import DIGITS_CORRUPT, digits_ceilings, spoken_digit_samples

from metagen.archs.fusion_net.model import FusionNet, FusionNetConfig
from metagen.data.speech_synth import SpeechWordBank

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason="espeak-ng is not installed")  # fmt: skip
SAMPLES = 6000  # 0.75 s at 8 kHz: espeak-ng's digits last 0.3-0.6 s


@pytest.fixture(scope="module")
def splits():
    bank = SpeechWordBank(8000, synth="espeak")
    return (spoken_digit_samples(3000, 0, held_out=False, audio_samples=SAMPLES, bank=bank),
            spoken_digit_samples(600, 1, held_out=True, audio_samples=SAMPLES, bank=bank))  # fmt: skip


def test_the_pairs_share_a_digit_and_each_modality_is_corrupted_on_its_own(splits) -> None:
    train, test = splits
    for data, slack in ((train, 0.03), (test, 0.07)):  # about 3.5 binomial deviations
        assert set(np.unique(data["label"])) == set(range(10))
        for name in ("image", "audio"):
            assert abs(data[f"corrupted_{name}"].mean() - DIGITS_CORRUPT[name]) < slack
        both = (data["corrupted_image"] & data["corrupted_audio"]).mean()
        assert abs(both - DIGITS_CORRUPT["image"] * DIGITS_CORRUPT["audio"]) < slack
    clean = ~train["corrupted_image"]
    # a clean image is an sklearn scan (levels 0-16), grey in all three channels; noise is not
    levels = train["image"] * 16
    on_levels = np.isclose(levels, np.round(levels), atol=1e-4).all(axis=(1, 2, 3))
    assert np.array_equal(on_levels, clean)
    assert np.array_equal(train["image"][:, 0], train["image"][:, 2])
    assert np.all(np.abs(train["audio"]) <= 1)
    assert digits_ceilings()["all"] == pytest.approx(1 - 0.3 * 0.3 * 0.9)


@pytest.mark.slow  # 9 s; tests/archs/test_fusion_net_learns.py learns fusion by default
def test_fusion_beats_either_input_alone_on_real_digits(splits) -> None:
    torch.set_num_threads(1)
    train, test = splits
    torch.manual_seed(0)
    config = FusionNetConfig(modalities=["image", "audio"], num_outputs=10, strategy="hybrid",
                             d_model=32, n_heads=2, d_ff=64, n_layers=1, image_size=16,
                             audio_samples=SAMPLES, modality_dropout=0.2)  # fmt: skip
    model = FusionNet(config)
    optimizer = torch.optim.AdamW(model.parameters(), 3e-3)
    x = {k: torch.from_numpy(train[k]) for k in ("image", "audio")}
    y, generator = torch.from_numpy(train["label"]), torch.Generator().manual_seed(0)
    for _ in range(400):
        i = torch.randint(0, len(y), (64,), generator=generator)
        loss = torch.nn.functional.cross_entropy(model(**{k: v[i] for k, v in x.items()}), y[i])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    x_test = {k: torch.from_numpy(test[k]) for k in ("image", "audio")}
    y_test = torch.from_numpy(test["label"])
    with torch.no_grad():
        full = (model(**x_test).argmax(-1) == y_test).float().mean().item()
        removed = model.forward_each_removed(**x_test)  # keyed by the input removed
        alone = {f"only {kept}": (removed[gone].argmax(-1) == y_test).float().mean().item()
                 for kept, gone in (("audio", "image"), ("image", "audio"))}  # fmt: skip
    # measured (CPU, 400 steps): 0.825 fused; image alone 0.722, audio alone 0.453
    ceilings = digits_ceilings()
    assert full >= max(alone.values()) + 0.05, (full, alone)
    assert full <= ceilings["all"] + 0.03
    for name, accuracy in alone.items():
        assert accuracy <= ceilings[name] + 0.04, (name, accuracy)
