"""Atari games through ale-py, preprocessed as Mnih et al. 2015 and Machado et al. 2018 do,
with gymnasium's own wrappers: the v5 game steps one frame at a time (sticky actions kept),
AtariPreprocessing repeats each action for 4 frames (max-pooling the last two), starts each
episode with up to 30 no-ops, and gives grey 84x84 frames; FrameStackObservation stacks the
last 4, channels first. Training episodes end on a life lost (episodic life) and see rewards
clipped to their sign; evaluation plays whole games with the game's own score."""

import numpy as np

ATARI_NOOP_MAX = 30
ATARI_FRAME_SKIP = 4


def make_atari_environment(env_id: str, cfg: dict, render_mode: str | None = None,
                           training: bool = False):  # fmt: skip
    """One preprocessed game; cfg holds image_size and frame_stack (config.json's data)."""
    import ale_py
    import cv2  # noqa: F401  (AtariPreprocessing resizes frames with OpenCV)
    import gymnasium as gym
    from gymnasium.wrappers import (
        AtariPreprocessing,
        FrameStackObservation,
        TransformReward,
    )

    gym.register_envs(ale_py)
    try:
        env = gym.make(env_id, frameskip=1, render_mode=render_mode)
    except gym.error.Error as error:
        raise ValueError(f"cannot make Atari game {env_id!r}: {error}") from None
    env = AtariPreprocessing(
        env,
        noop_max=ATARI_NOOP_MAX,
        frame_skip=ATARI_FRAME_SKIP,
        screen_size=cfg["image_size"],
        terminal_on_life_loss=training,
        grayscale_obs=True,
    )
    if training:
        env = TransformReward(env, lambda reward: float(np.sign(float(reward))))
    return FrameStackObservation(env, cfg["frame_stack"])
