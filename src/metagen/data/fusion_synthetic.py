"""Built-in data whose label needs every input modality at once, so that fusion is measurable.

Each sample draws one factor per input modality, independent and uniform over `levels`
values, and its label is the tuple of factors, numbered in mixed radix (the first input's
factor times levels^(M-1), and so on): levels^M classes. Each modality shows only its own
factor:

- image: a shape of the factor's colour (data/synthetic_images.py's palette), any shape, place
  and size, on a noisy background;
- text: a caption naming the factor's colour word among filler words;
- audio: a tone at the factor's pitch (data/synthetic_audio.py's notes) in noise, in [-1, 1];
- sensor: `channels` readings oscillating at the factor's frequency, each with its own phase
  and gain, in noise;
- video: a shape of any colour moving the factor's way (data/synthetic_video.py's
  directions), so that only the change between frames tells it;
- tabular: the factor's centre in feature space, plus noise.

Because the factors are independent and uniform, a model missing one modality cannot tell
its factor: its best accuracy is 1 / levels; one modality alone reaches 1 / levels^(M-1)
(`fusion_ceilings`). Each factor moves the label by itself, so a classifier learns the
modalities' contributions additively (a label that mixed them, such as their sum modulo
levels, would give a gradient no signal until every factor is read at once). With `corrupt`
= (modality, fraction), that fraction of the samples carry pure noise in that modality, whose
factor is then unreadable: the full-input ceiling drops to (1 - fraction) + fraction /
levels.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from metagen.data.synthetic_audio import AUDIO_PITCHES, render_partials
from metagen.data.synthetic_images import RGB_COLORS, SHAPE_NAMES, shape_mask
from metagen.data.synthetic_video import DIRECTIONS, moving_shape_clip

FUSION_MODALITIES = ("image", "text", "audio", "sensor", "tabular", "video")
MAX_LEVELS = 6  # the palette, the pitches and the words have six each (a test checks)
# The sensor's oscillation frequencies per factor, in cycles per window.
SENSOR_CYCLES = (2.0, 3.5, 5.0, 7.0, 9.5, 12.5)
SENSOR_NOISE = 0.5  # against unit-amplitude oscillations
TABULAR_NOISE = 0.35  # against factor centres about 3 apart (8 features)
# The factors' centres in feature space are part of the data's definition, as the palette is:
# every seed (every split) shares them.
TABULAR_CENTRES_SEED = 7
AUDIO_NOISE = 0.3
CAPTION_FILLERS = ("a", "the", "photo", "of", "some", "thing", "small", "large", "here", "there")


def fusion_num_classes(inputs: list[str], levels: int) -> int:
    return levels ** len(inputs)


def fusion_ceilings(inputs: list[str], levels: int, corrupt=None) -> dict[str, float]:
    """The best accuracy any model can reach: with every input ("all"), without each one
    ("without <modality>": its factor unknown) and with each one alone ("only <modality>")."""
    fraction = corrupt[1] if corrupt else 0.0
    ceilings = {"all": (1 - fraction) + fraction / levels}
    ceilings.update({f"without {name}": 1 / levels for name in inputs})
    ceilings.update({f"only {name}": 1 / levels ** (len(inputs) - 1) for name in inputs})
    return ceilings


def fusion_samples(
    inputs: list[str],
    n: int,
    seed: int,
    *,
    levels: int = 3,
    image_size: int = 32,
    sensor_channels: int = 6,
    sensor_steps: int = 64,
    sample_rate: int = 8000,
    audio_samples: int = 2048,
    num_features: int = 8,
    video_frames: int = 8,
    video_resolution: tuple[int, int] = (16, 16),
    corrupt: tuple[str, float] | None = None,
) -> dict[str, np.ndarray | list[str]]:
    """`n` samples: each input modality's rendering, "label" (n,) in
    [0, fusion_num_classes), "factors" (n, inputs) and "corrupted" (n,) bool. The same seed
    gives the same samples."""
    unknown = [name for name in inputs if name not in FUSION_MODALITIES]
    if unknown or len(inputs) < 2:
        raise ValueError(
            f"fusion data needs two or more of {', '.join(FUSION_MODALITIES)}, got {inputs}"
        )
    if not 2 <= levels <= MAX_LEVELS:
        raise ValueError(f"levels ({levels}) must be between 2 and {MAX_LEVELS}")
    if corrupt is not None and (corrupt[0] not in inputs or not 0 <= corrupt[1] <= 1):
        raise ValueError(f"corrupt {corrupt} must name an input and a fraction in [0, 1]")
    rng = np.random.default_rng(seed)
    factors = rng.integers(0, levels, size=(n, len(inputs)))
    radix = levels ** np.arange(len(inputs) - 1, -1, -1)  # the first input's factor leads
    corrupted = rng.random(n) < (corrupt[1] if corrupt else 0.0)
    out: dict[str, np.ndarray | list[str]] = {
        "label": factors @ radix,
        "factors": factors,
        "corrupted": corrupted,
    }
    renderers: dict[str, Callable[[int, np.random.Generator], Any]] = {
        "image": lambda z, r: _image(z, image_size, r),
        "text": lambda z, r: _caption(z, r),
        "audio": lambda z, r: _tone(z, audio_samples, sample_rate, r),
        "sensor": lambda z, r: _readings(z, sensor_channels, sensor_steps, r),
        "tabular": lambda z, r: _features(z, num_features, r),
        "video": lambda z, r: _motion(z, video_frames, video_resolution, r),
    }
    for column, name in enumerate(inputs):
        noisy = corrupted if corrupt and corrupt[0] == name else np.zeros(n, bool)
        items = [
            _noise_like(renderers[name](int(z), rng), rng) if bad else renderers[name](int(z), rng)
            for z, bad in zip(factors[:, column], noisy, strict=True)
        ]
        out[name] = (
            [str(t) for t in items] if name == "text" else np.stack(items).astype(np.float32)
        )
    return out


def _image(factor: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """(3, size, size) in [0, 1]: a shape of the factor's colour."""
    color = np.asarray(list(RGB_COLORS.values())[factor])
    r = rng.uniform(0.22, 0.4) * size
    cx, cy = rng.uniform(r, size - r, size=2)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    mask = shape_mask(SHAPE_NAMES[rng.integers(len(SHAPE_NAMES))], xx - cx, yy - cy, r)
    background = rng.uniform(0.35, 0.6) + rng.normal(0.0, 0.04, size=(3, size, size))
    rgb = color + rng.uniform(-0.07, 0.07, size=3)
    return np.clip(np.where(mask[None], rgb[:, None, None], background), 0.0, 1.0)


def _caption(factor: int, rng: np.random.Generator) -> str:
    """A few filler words with the factor's colour word at a random place."""
    words = list(rng.choice(CAPTION_FILLERS, size=int(rng.integers(3, 7))))
    words.insert(int(rng.integers(len(words) + 1)), list(RGB_COLORS)[factor])
    return " ".join(words)


def _tone(factor: int, samples: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    freq = list(AUDIO_PITCHES.values())[factor]
    tone = render_partials(freq, samples, sample_rate, rng) * rng.uniform(0.5, 1.0)
    # halved into [-1, 1], as a 16-bit file holds a waveform (a rare noise peak is clipped)
    return np.clip(0.5 * (tone + rng.normal(0.0, AUDIO_NOISE, samples)), -1.0, 1.0)


def _readings(factor: int, channels: int, steps: int, rng: np.random.Generator) -> np.ndarray:
    """(channels, steps): each channel oscillates at the factor's frequency."""
    t = np.arange(steps) / steps
    phase = rng.uniform(0, 2 * np.pi, size=(channels, 1))
    gain = rng.uniform(0.5, 1.5, size=(channels, 1))
    wave = gain * np.sin(2 * np.pi * SENSOR_CYCLES[factor] * t + phase)
    return wave + rng.normal(0.0, SENSOR_NOISE, (channels, steps))


def _features(factor: int, num_features: int, rng: np.random.Generator) -> np.ndarray:
    """The factor's centre plus noise."""
    centres = np.random.default_rng(TABULAR_CENTRES_SEED).normal(
        0.0, 1.0, (MAX_LEVELS, num_features)
    )
    return centres[factor] + rng.normal(0.0, TABULAR_NOISE, num_features)


def _motion(factor: int, frames: int, resolution, rng: np.random.Generator) -> np.ndarray:
    """(3, frames, height, width) in [0, 1]: a shape of any colour moving the factor's way."""
    color = list(RGB_COLORS.values())[int(rng.integers(len(RGB_COLORS)))]
    shape = SHAPE_NAMES[int(rng.integers(len(SHAPE_NAMES)))]
    direction = list(DIRECTIONS)[factor]
    return moving_shape_clip(rng, shape, direction, np.asarray(color), 3, frames, resolution)


def _noise_like(item, rng: np.random.Generator):
    """A corrupted rendering: the same kind of item with no factor in it."""
    if isinstance(item, str):
        return " ".join(rng.choice(CAPTION_FILLERS, size=len(item.split())))
    if item.ndim >= 3:  # an image or a clip: noise around mid grey
        return np.clip(rng.normal(0.5, 0.2, item.shape), 0.0, 1.0)
    return rng.normal(0.0, float(item.std()) or 1.0, item.shape)
