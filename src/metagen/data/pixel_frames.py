"""Pixel observations of a classic-control environment: the rendered frame (render_mode
rgb_array) in place of the state vector, grey and resized to a square with Pillow's area
filter, and the last few frames stacked so that velocities can be seen."""

import numpy as np


def grey_square(frame: np.ndarray, size: int) -> np.ndarray:
    """(H, W, 3) uint8 RGB -> (size, size) uint8 grey."""
    from PIL import Image

    return np.asarray(
        Image.fromarray(frame).convert("L").resize((size, size), Image.Resampling.BOX)
    )


def make_pixel_environment(env_id: str, cfg: dict, render_mode: str | None = None,
                           training: bool = False):  # fmt: skip
    """One environment observed through its frames; cfg holds image_size and frame_stack
    (config.json's data). Frames are always rendered, so `render_mode` is rgb_array."""
    import gymnasium as gym
    from gymnasium.wrappers import (
        AddRenderObservation,
        FrameStackObservation,
        TransformObservation,
    )

    try:
        env = gym.make(env_id, render_mode="rgb_array")
    except gym.error.Error as error:
        raise ValueError(f"cannot make environment {env_id!r}: {error}") from None
    size = cfg["image_size"]
    env = AddRenderObservation(env, render_only=True)
    space = gym.spaces.Box(0, 255, (size, size), np.uint8)
    env = TransformObservation(env, lambda frame: grey_square(frame, size), space)
    return FrameStackObservation(env, cfg["frame_stack"])
