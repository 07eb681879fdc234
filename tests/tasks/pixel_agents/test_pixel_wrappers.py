"""The pixel agents' environments: an Atari game preprocessed by gymnasium's own wrappers
(frame skip, no-op starts, grey 84x84, stacking, episodic life and clipped rewards in
training only), and a classic-control environment seen through its rendered frames."""

from __future__ import annotations

import numpy as np
import pytest

gym = pytest.importorskip("gymnasium")
pytest.importorskip("ale_py")
pytest.importorskip("cv2")

from metagen.data.atari import ATARI_FRAME_SKIP, ATARI_NOOP_MAX, make_atari_environment  # noqa: E402
from metagen.data.pixel_frames import (  # noqa: E402
    RENDER_ROWS,
    make_pixel_environment,
    silhouette_square,
)
from metagen.tasks.policy_gradient.data import policy_gradient_atari  # noqa: E402

FRAMES = {"image_size": 84, "frame_stack": 4}


def test_atari_frames_are_stacked_grey_84x84_uint8() -> None:
    env = make_atari_environment("ALE/Pong-v5", FRAMES)
    try:
        obs, _ = env.reset(seed=0)
        assert obs.shape == (4, 84, 84) and obs.dtype == np.uint8
        assert env.observation_space.shape == (4, 84, 84)
        assert env.action_space.n == 6
        # a reset stacks four copies of the first frame; each step shifts one new frame in
        assert all(np.array_equal(obs[0], obs[i]) for i in range(1, 4))
        nxt, *_ = env.step(0)
        assert np.array_equal(nxt[:-1], obs[1:])
    finally:
        env.close()


def test_atari_steps_repeat_the_action_for_four_frames_after_up_to_30_noops() -> None:
    env = make_atari_environment("ALE/Breakout-v5", FRAMES)
    ale = env.unwrapped.ale
    try:
        starts = []
        for seed in range(6):
            env.reset(seed=seed)
            starts.append(ale.getEpisodeFrameNumber())
            before = ale.getEpisodeFrameNumber()
            env.step(0)
            assert ale.getEpisodeFrameNumber() - before == ATARI_FRAME_SKIP
        # no-op starts: 1 to 30 frames, and not all the same
        assert all(1 <= s <= ATARI_NOOP_MAX for s in starts), starts
        assert len(set(starts)) > 1, starts
    finally:
        env.close()


def test_training_episodes_end_on_a_life_lost_with_clipped_rewards() -> None:
    train = make_atari_environment("ALE/Breakout-v5", FRAMES, training=True)
    train.action_space.seed(0)
    try:
        train.reset(seed=0)
        lives = train.unwrapped.ale.lives()
        rewards, terminated = [], False
        for _ in range(5000):
            _, reward, terminated, truncated, _ = train.step(train.action_space.sample())
            rewards.append(reward)
            if terminated or truncated:
                break
        assert terminated
        assert 0 < train.unwrapped.ale.lives() < lives  # a life lost, the game not over
        assert set(rewards) <= {-1.0, 0.0, 1.0}
    finally:
        train.close()


def test_evaluation_plays_the_whole_game_with_its_own_score() -> None:
    env = make_atari_environment("ALE/Breakout-v5", FRAMES)
    env.action_space.seed(0)
    try:
        env.reset(seed=0)
        done = False
        while not done:
            _, _, terminated, truncated, _ = env.step(env.action_space.sample())
            done = terminated or truncated
        assert env.unwrapped.ale.lives() == 0
    finally:
        env.close()


def test_atari_builder_gives_training_copies_and_held_out_whole_games() -> None:
    cfg = {"num_envs": 2, "eval_episodes": 3, **FRAMES}
    envs, held_out, info = policy_gradient_atari(cfg, "ALE/Pong-v5", seed=0)
    try:
        obs, _ = envs.reset(seed=0)
        assert obs.shape == (2, 4, 84, 84) and obs.dtype == np.uint8
        assert info["observation_space"]["shape"] == [4, 84, 84]
        assert info["action_space"] == {"kind": "discrete", "n": 6}
        assert len(held_out["seeds"]) == 3
        game = held_out["make_env"]("ALE/Pong-v5")
        assert game.observation_space.shape == (4, 84, 84)
        game.close()
    finally:
        envs.close()


def test_an_unknown_atari_id_is_a_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match="ALE/Nope-v5"):
        make_atari_environment("ALE/Nope-v5", FRAMES)


def test_cartpole_pixels_are_stacked_grey_frames_that_move() -> None:
    env = make_pixel_environment("CartPole-v1", {"image_size": 64, "frame_stack": 4})
    try:
        obs, _ = env.reset(seed=0)
        assert obs.shape == (4, 64, 64) and obs.dtype == np.uint8
        for _ in range(5):
            obs, *_ = env.step(1)
        assert not np.array_equal(obs[-1], obs[0])  # the cart moved: velocity is visible
        # the newest frame is the render, cut to its moving rows, as a silhouette, shrunk
        frame = env.render()
        assert np.array_equal(obs[-1], silhouette_square(frame, 64, RENDER_ROWS["CartPole-v1"]))
    finally:
        env.close()


def test_a_silhouette_keeps_its_rows_and_shows_bodies_as_area_coverage() -> None:
    frame = np.full((40, 60, 3), 255, dtype=np.uint8)  # a white render
    assert (silhouette_square(frame, 20, None) == 0).all()
    frame[10:20, 0:30] = (205, 140, 80)  # a tan body over rows 10-19, the left half
    frame[35:40, :] = 0  # a black floor below the kept rows
    got = silhouette_square(frame, 10, (10, 30))  # rows 10-29: the body fills the top half
    assert got.shape == (10, 10) and got.dtype == np.uint8
    assert (got[:5, :5] == 255).all() and (got[:5, 5:] == 0).all()
    assert (got[5:] == 0).all()  # the floor was cut away
    thin = np.full((40, 60, 3), 255, dtype=np.uint8)
    thin[:, 31] = 0  # a one-pixel line, as a pole far thinner than a target pixel
    line = silhouette_square(thin, 10, None)
    # a sixth of each 6x4 target pixel is ink: 255 / 6 = 42.5, which Pillow rounds up
    assert (line[:, 5] == 43).all() and line.sum() == line[:, 5].sum()
