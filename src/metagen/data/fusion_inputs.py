"""Each input of a fusion model (archs/fusion_net) as the model reads it, from a file or a
value: what infer.py and a user's samples share."""

import wave

import numpy as np
import torch

from metagen.data.video_folder import load_clip

FUSION_TEXT_PAD = 256


def caption_ids(captions: list, text_len: int) -> torch.Tensor:
    """(N, text_len) int64: each caption's UTF-8 bytes, cut or padded with FUSION_TEXT_PAD."""
    ids = np.full((len(captions), text_len), FUSION_TEXT_PAD, dtype=np.int64)
    for i, caption in enumerate(captions):
        raw = list(caption.encode("utf-8"))[:text_len]
        ids[i, : len(raw)] = raw
    return torch.from_numpy(ids)


def fusion_input_dims(cfg: dict) -> dict:
    """The input sizes read_fusion_input needs (the model's dims' names) from a data config."""
    height, width = cfg["video_resolution"]
    return {"image_size": cfg["image_size"], "text_len": cfg["text_len"],
            "audio_sample_rate": cfg["audio_rate"], "audio_samples": cfg["audio_samples"],
            "video_frames": cfg["video_frames"], "video_height": height, "video_width": width,
            "video_channels": 3, "sensor_channels": cfg["sensor_channels"],
            "sensor_steps": cfg["sensor_steps"], "num_features": cfg["num_features"]}  # fmt: skip


def read_fusion_input(name: str, value, dims: dict) -> torch.Tensor:
    """One input as the model reads it, without the batch: a file path for image, audio
    (16-bit PCM WAV at the model's rate), video (a folder of frames or a .npy) and sensor
    (a CSV, a row per time step), the text itself, or the tabular values (a list, or text
    with commas). A clear ValueError or OSError if it cannot be read.

    Each modality's reader is the function read_<modality>_input, found by its name so that
    a generated package carries the readers of its own inputs only: its infer.py imports
    them, which bundles them into data.py beside this function."""
    reader = globals().get(f"read_{name}_input")
    if reader is None:
        raise ValueError(f"{name} is not an input this model reads")
    if name not in ("text", "tabular") and not isinstance(value, str):
        raise ValueError(f"{name} must be a path, got {value!r:.60}")
    return reader(value, dims)


def read_text_input(value, dims: dict) -> torch.Tensor:
    if not isinstance(value, str):
        raise ValueError(f"text must be a string, got {value!r:.60}")
    return caption_ids([value], dims["text_len"])[0]


def read_tabular_input(value, dims: dict) -> torch.Tensor:
    values = value.split(",") if isinstance(value, str) else value
    if not isinstance(values, list):
        raise ValueError(f"tabular must be a list of numbers, got {value!r:.60}")
    features = np.array([float(v) for v in values], np.float32)
    if features.size != dims["num_features"] or not np.isfinite(features).all():
        raise ValueError(f"tabular has {features.size} values (finite?); the model reads "
                         f"{dims['num_features']}")  # fmt: skip
    return torch.from_numpy(features)


def read_image_input(path: str, dims: dict) -> torch.Tensor:
    from PIL import Image  # only an image input needs Pillow

    side = dims["image_size"]
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB").resize((side, side)), np.float32) / 255.0
    return torch.from_numpy(pixels).permute(2, 0, 1)


def read_audio_input(path: str, dims: dict) -> torch.Tensor:
    """The first channel of a 16-bit PCM WAV at the model's rate, cut or padded to its clip."""
    try:
        with wave.open(path) as clip:
            if clip.getsampwidth() != 2 or clip.getframerate() != dims["audio_sample_rate"]:
                raise ValueError(f"{path}: need 16-bit PCM at {dims['audio_sample_rate']} Hz")
            samples = np.frombuffer(clip.readframes(clip.getnframes()), np.int16)
            samples = samples[:: clip.getnchannels()]
    except (wave.Error, EOFError) as error:
        raise ValueError(f"{path}: not a readable WAV file ({error})") from None
    clip_in = np.zeros(dims["audio_samples"], np.float32)
    kept = samples[: dims["audio_samples"]] / 32768.0
    clip_in[: len(kept)] = kept
    return torch.from_numpy(clip_in)


def read_video_input(path: str, dims: dict) -> torch.Tensor:
    """Frames sampled evenly over the clip, at the trained size, in [0, 1]."""
    frames = load_clip(path, dims["video_frames"], (dims["video_height"], dims["video_width"]),
                       dims["video_channels"])  # fmt: skip
    return torch.from_numpy(frames).permute(3, 0, 1, 2).float() / 255.0


def read_sensor_input(path: str, dims: dict) -> torch.Tensor:
    readings = np.loadtxt(path, delimiter=",", ndmin=2, dtype=np.float32).T
    shape = (dims["sensor_channels"], dims["sensor_steps"])
    if readings.shape != shape:
        raise ValueError(f"{path}: {readings.shape[1]} steps of {readings.shape[0]} "
                         f"channels; the model reads {shape[1]} steps of {shape[0]}")  # fmt: skip
    return torch.from_numpy(readings)
