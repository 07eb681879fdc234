"""Real data for fusion: scikit-learn's handwritten digits, each paired with the same digit
spoken by espeak-ng (data/speech_synth.py), and each modality corrupted on its own fraction of
the samples, so that fusion has something to do.

A sample's label is its digit (10 classes). Its image is one of the 1,797 8x8 scans, scaled to
`image_size` and grey in all three channels; its audio the digit's word in one of espeak-ng's
voices and speeds, at a random place in the clip, in [-1, 1]. With probability
DIGITS_CORRUPT[modality], independently per modality, that modality is replaced by noise.
The held-out split uses scans and voices the training split never has (every fifth scan;
data/speech_synth.py's held-out voices). A perfect reader of one modality alone is right
(1 - f) + f / 10 of the time (f its corrupted fraction); of both, all but the samples whose
two modalities are both corrupted: 1 - f_image * f_audio * 9 / 10 (`digits_ceilings`).
"""

import numpy as np

from metagen.data.speech_synth import SpeechWordBank

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
DIGITS_CORRUPT = {"image": 0.3, "audio": 0.3}
DIGITS_HELD_OUT_EVERY = 5  # every fifth scan is held out
DIGITS_AUDIO_NOISE = 0.01


def digits_ceilings() -> dict[str, float]:
    f_image, f_audio = DIGITS_CORRUPT["image"], DIGITS_CORRUPT["audio"]
    return {
        "all": 1 - f_image * f_audio * 0.9,
        "without image": (1 - f_audio) + f_audio / 10,
        "without audio": (1 - f_image) + f_image / 10,
        "only image": (1 - f_image) + f_image / 10,
        "only audio": (1 - f_audio) + f_audio / 10,
    }


def spoken_digit_samples(n: int, seed: int, *, held_out: bool, image_size: int = 16,
                         sample_rate: int = 8000, audio_samples: int = 6000,
                         bank: SpeechWordBank | None = None) -> dict:  # fmt: skip
    """`n` samples of the split: "image" (n, 3, size, size) in [0, 1], "audio" (n, samples),
    "label" (n,), and "corrupted_image", "corrupted_audio" (n,) bool."""
    from sklearn.datasets import load_digits

    scans = load_digits()
    keep = (np.arange(len(scans.target)) % DIGITS_HELD_OUT_EVERY == 0) == held_out
    images, digits = scans.images[keep] / 16.0, scans.target[keep]
    bank = bank or SpeechWordBank(sample_rate, synth="espeak")
    voices = bank.split_voices()[1 if held_out else 0]
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(digits), size=n)
    label = digits[picks]
    repeat = -(-image_size // 8)  # each scan pixel becomes a block, then the frame is cut
    image = np.kron(images[picks], np.ones((repeat, repeat)))[:, :image_size, :image_size]
    audio = np.zeros((n, audio_samples), np.float32)
    for i, digit in enumerate(label):
        spoken = bank.render(DIGIT_WORDS[digit], int(rng.choice(voices)), rng)[:audio_samples]
        start = int(rng.integers(0, audio_samples - len(spoken) + 1))
        audio[i, start : start + len(spoken)] = spoken * rng.uniform(0.3, 0.9)
    audio += rng.normal(0.0, DIGITS_AUDIO_NOISE, audio.shape).astype(np.float32)
    bad_image = rng.random(n) < DIGITS_CORRUPT["image"]
    bad_audio = rng.random(n) < DIGITS_CORRUPT["audio"]
    image[bad_image] = rng.uniform(0.0, 1.0, image[bad_image].shape)
    audio[bad_audio] = rng.normal(0.0, 0.2, audio[bad_audio].shape)
    return {
        "image": np.repeat(image[:, None], 3, axis=1).astype(np.float32),
        "audio": np.clip(audio, -1.0, 1.0),
        "label": label,
        "corrupted_image": bad_image,
        "corrupted_audio": bad_audio,
    }
