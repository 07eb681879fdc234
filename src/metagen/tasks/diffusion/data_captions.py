"""Diffusion samples from clean caption pairs, for images and clips alike: each training pair
noised several times, the held-out pairs once, the same way every time."""

import math

from metagen.data.image_captions import CaptionedImages
from metagen.tasks.diffusion.data_noise import NoisedSamples, NoiseSchedule


def noised_caption_datasets(cfg: dict, source: str, seed: int, pairs, kind: str, sizes: dict):
    """(train, val, info) for epsilon prediction, with caption ids when the model reads text,
    from clean (train, held-out) caption `pairs` of `kind` "image" or "video"; `sizes` are the
    info's fields on the samples' shape."""
    train_pairs, val_pairs = pairs
    length, conditioned = int(cfg["caption_length"]), bool(cfg["text_conditioning"])
    keys = ("caption_ids",) if conditioned else ()
    schedule = NoiseSchedule(int(cfg["num_timesteps"]), str(cfg["beta_schedule"]))
    draws = max(1, math.ceil(int(cfg["noised_samples"]) / len(train_pairs)))
    clean_train = CaptionedImages(train_pairs, length, with_targets=False, text_key="caption_ids")
    clean_val = CaptionedImages(val_pairs, length, with_targets=False, text_key="caption_ids")
    # Separate seeds per split; the held-out set is noised once, the same way every time.
    train = NoisedSamples(clean_train, schedule, 2 * seed, draws=draws, extra_keys=keys)
    val = NoisedSamples(clean_val, schedule, 2 * seed + 1, extra_keys=keys)
    item = "clip" if kind == "video" else "image"
    info = {
        "task": "diffusion",
        "source": source,
        "kind": kind,
        **sizes,
        "num_timesteps": schedule.num_timesteps,
        "beta_schedule": schedule.kind,
        "text_conditioning": conditioned,
        "caption_length": length,
        f"num_train_{item}s": len(train_pairs),
        f"noise_draws_per_{item}": draws,
        "num_train": len(train),
        "num_val": len(val),
        "val_caption_examples": [val_pairs.caption(i) for i in range(min(3, len(val_pairs)))],
    }
    return train, val, info
