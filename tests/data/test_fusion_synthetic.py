"""The built-in fusion data, checked with scikit-learn as an independent reader: each
modality carries its own factor (a plain classifier on simple features of that modality reads
it on held-out samples); a linear classifier on every factor gives the label, and without any
one factor it stays at the stated ceiling; a corrupted fraction drops the full-input ceiling
as stated."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from metagen.data.fusion_synthetic import (
    FUSION_MODALITIES,
    MAX_LEVELS,
    SENSOR_CYCLES,
    fusion_ceilings,
    fusion_num_classes,
    fusion_samples,
)
from metagen.data.synthetic_audio import AUDIO_PITCHES
from metagen.data.synthetic_images import RGB_COLORS
from metagen.data.synthetic_video import DIRECTIONS

K = 3
N = 1500


def _features(name: str, items, vectorizer=None):
    """Simple per-modality features any reader could compute."""
    if name == "image":  # each channel's darkest and brightest pixels: the shape's colour
        flat = items.reshape(len(items), 3, -1)
        return np.concatenate([np.percentile(flat, 3, -1), np.percentile(flat, 97, -1)], 1)
    if name == "text":
        return vectorizer.transform(items).toarray()
    if name == "video":  # how the bright shape's centre moves from the first frame to the last
        bright = (items.max(1) > 0.5).astype(np.float64)  # (N, T, H, W)
        ys, xs = np.mgrid[0 : items.shape[-2], 0 : items.shape[-1]]
        area = bright.sum((-2, -1)) + 1e-9
        centre_x, centre_y = (bright * xs).sum((-2, -1)) / area, (bright * ys).sum((-2, -1)) / area
        return np.stack([centre_x[:, -1] - centre_x[:, 0], centre_y[:, -1] - centre_y[:, 0]], 1)
    if name in ("sensor", "audio"):  # the spectrum's magnitude (averaged over channels)
        spectrum = np.abs(np.fft.rfft(items, axis=-1))
        spectrum = spectrum.mean(1) if spectrum.ndim == 3 else spectrum
        if spectrum.shape[1] > 64:  # audio: 64 bands up to a quarter of the sample rate
            spectrum = spectrum[:, :512].reshape(len(spectrum), 64, 8).sum(-1)
        return np.log1p(spectrum)
    return items


def _reader(name: str, train: dict):
    vectorizer = CountVectorizer().fit(train["text"]) if name == "text" else None
    column = ALL.index(name)
    model = LogisticRegression(max_iter=2000).fit(
        _features(name, train[name], vectorizer), train["factors"][:, column]
    )
    return lambda data: model.predict(_features(name, data[name], vectorizer))


ALL = list(FUSION_MODALITIES)


@pytest.fixture(scope="module")
def splits():
    return fusion_samples(ALL, N, seed=0, levels=K), fusion_samples(ALL, N, seed=1, levels=K)


@pytest.mark.parametrize("name", ALL)
def test_each_modality_carries_its_factor(splits, name) -> None:
    train, test = splits
    read = _reader(name, train)(test)
    assert np.mean(read == test["factors"][:, ALL.index(name)]) >= 0.95


def _one_hot(factors: np.ndarray) -> np.ndarray:
    return np.concatenate([np.eye(K)[factors[:, m]] for m in range(factors.shape[1])], 1)


def test_a_linear_reader_of_every_factor_gets_the_label_and_none_without_one() -> None:
    inputs = ["image", "text", "sensor"]
    train, test = (fusion_samples(inputs, N, seed, levels=K, image_size=8, sensor_steps=16)
                   for seed in (4, 5))  # fmt: skip
    assert fusion_num_classes(inputs, K) == K**3 and test["label"].max() < K**3
    radix = np.array([K * K, K, 1])
    assert np.array_equal(test["label"], test["factors"] @ radix)
    full = LogisticRegression(max_iter=3000).fit(_one_hot(train["factors"]), train["label"])
    assert full.score(_one_hot(test["factors"]), test["label"]) >= 0.99
    ceilings = fusion_ceilings(inputs, K)
    for m, name in enumerate(inputs):
        rest = [c for c in range(3) if c != m]
        partial = LogisticRegression(max_iter=3000).fit(
            _one_hot(train["factors"][:, rest]), train["label"]
        )
        accuracy = partial.score(_one_hot(test["factors"][:, rest]), test["label"])
        assert ceilings[f"without {name}"] == 1 / K
        assert accuracy <= ceilings[f"without {name}"] + 0.05
    assert ceilings["all"] == 1.0 and ceilings["only image"] == 1 / K**2


def test_a_corrupted_fraction_is_unreadable_and_lowers_the_ceiling() -> None:
    inputs = ["image", "sensor"]
    clean = fusion_samples(inputs, N, seed=2, levels=K)
    data = fusion_samples(inputs, N, seed=3, levels=K, corrupt=("sensor", 0.3))
    assert abs(data["corrupted"].mean() - 0.3) < 0.05
    sensor_reader = LogisticRegression(max_iter=2000).fit(
        _features("sensor", clean["sensor"]), clean["factors"][:, 1]
    )
    read = sensor_reader.predict(_features("sensor", data["sensor"]))
    hit = read == data["factors"][:, 1]
    assert hit[~data["corrupted"]].mean() >= 0.95
    assert hit[data["corrupted"]].mean() <= 1 / K + 0.08
    assert fusion_ceilings(inputs, K, ("sensor", 0.3))["all"] == pytest.approx(0.7 + 0.3 / K)
    image_read = _reader_for(clean, "image", inputs)(data)
    oracle = np.mean(image_read * K + read == data["label"])
    assert oracle == pytest.approx(0.7 + 0.3 / K, abs=0.05)


def _reader_for(train: dict, name: str, inputs: list[str]):
    column = inputs.index(name)
    model = LogisticRegression(max_iter=2000).fit(
        _features(name, train[name]), train["factors"][:, column]
    )
    return lambda data: model.predict(_features(name, data[name]))


def test_the_same_seed_gives_the_same_samples_and_bad_requests_are_refused() -> None:
    first, second = (fusion_samples(["image", "text"], 8, seed=5) for _ in range(2))
    assert np.array_equal(first["image"], second["image"]) and first["text"] == second["text"]
    assert not np.array_equal(first["image"], fusion_samples(["image", "text"], 8, 6)["image"])
    assert len(RGB_COLORS) == len(AUDIO_PITCHES) == len(SENSOR_CYCLES) == MAX_LEVELS
    assert len(DIRECTIONS) >= MAX_LEVELS
    with pytest.raises(ValueError, match="two or more"):
        fusion_samples(["image"], 4, 0)
    with pytest.raises(ValueError, match="levels"):
        fusion_samples(["image", "text"], 4, 0, levels=7)
    with pytest.raises(ValueError, match="corrupt"):
        fusion_samples(["image", "text"], 4, 0, corrupt=("audio", 0.5))
