"""Pixel observations of a classic-control environment: the rendered frame (render_mode
rgb_array) in place of the state vector, cut to the rows where things move, drawn as a
silhouette, resized to a square with Pillow's area filter, and the last few frames stacked so
that velocities can be seen."""

import numpy as np

# The rows of a render where the bodies move, per environment: CartPole's 600x400 frame is
# mostly empty sky and floor, and squashed whole to 64x64 its pole is a faint pixel wide.
RENDER_ROWS = {"CartPole-v1": (150, 330)}
# gymnasium's classic-control renders draw on white: anything darker is a body or a track.
BACKGROUND_GREY = 250


def silhouette_square(frame: np.ndarray, size: int, rows: tuple[int, int] | None) -> np.ndarray:
    """(H, W, 3) uint8 RGB -> (size, size) uint8: the rows kept, every non-background pixel
    255 on 0, then area-resized (a thin pole stays visible as a grey line)."""
    from PIL import Image

    if rows is not None:
        frame = frame[rows[0] : rows[1]]
    grey = np.asarray(Image.fromarray(frame).convert("L"))
    ink = np.where(grey < BACKGROUND_GREY, 255, 0).astype(np.uint8)
    return np.asarray(Image.fromarray(ink).resize((size, size), Image.Resampling.BOX))


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
    size, rows = cfg["image_size"], RENDER_ROWS.get(env_id)
    env = AddRenderObservation(env, render_only=True)
    space = gym.spaces.Box(0, 255, (size, size), np.uint8)
    env = TransformObservation(env, lambda frame: silhouette_square(frame, size, rows), space)
    return FrameStackObservation(env, cfg["frame_stack"])
