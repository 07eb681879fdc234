"""What the Atari agent's infer.py predicts (issue 16): a picture of the game's screen is an
observation, made grey, resized and stacked as the agent sees it; a grey frame of the agent's
size gives the same action and probabilities as its stack given whole, and a full-size colour
screen is read too (slow: it trains)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from tests.tasks.policy_gradient.infer_runs import predictions, trained

pytestmark = pytest.mark.slow
pytest.importorskip("ale_py")
SCREEN = (210, 160, 3)  # an Atari frame as the emulator renders it


def test_a_picture_is_the_frame_the_agent_stacks(tmp_path) -> None:
    run = trained("rl/atari_agent.yaml", tmp_path)
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    stack, side = info["wrapper"]["frame_stack"], info["wrapper"]["image_size"]
    rng = np.random.default_rng(0)
    frames = tmp_path / "frames"
    frames.mkdir()
    frame = rng.integers(0, 256, (side, side), dtype=np.uint8)
    Image.fromarray(frame).save(frames / "a_frame.png")
    np.save(frames / "b_stack.npy", np.repeat(frame[None], stack, axis=0))
    Image.fromarray(rng.integers(0, 256, SCREEN, dtype=np.uint8)).save(frames / "c_screen.png")
    picture, whole, screen = predictions(run, str(frames))
    assert picture["probabilities"] == whole["probabilities"]
    assert picture["action"] == whole["action"]
    assert len(screen["probabilities"]) == info["action_space"]["n"]
    assert screen["input"] == str(frames / "c_screen.png")
