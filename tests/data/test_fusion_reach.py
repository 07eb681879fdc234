"""The built-in reaching data of a robot policy, read by independent means: the camera's red
disc sits at the target, the sensors' position channels end at the gripper, the action is the
clipped velocity towards the target, and the floors it states for a model missing either input
match what scikit-learn's nearest-neighbour regressor reaches from the other input's truth."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsRegressor

from metagen.data.fusion_reach import REACH_GAIN, reach_floors, reach_samples


@pytest.fixture(scope="module")
def data():
    return reach_samples(4000, seed=0, image_size=32, sensor_channels=6, sensor_steps=16)


def test_each_input_shows_its_position_and_the_action_needs_both(data) -> None:
    image = data["image"]
    red = (image[:, 0] > 0.8) & (image[:, 1] < 0.3)  # (N, H, W)
    ys, xs = np.mgrid[0:32, 0:32] + 0.5
    centre = (
        np.stack([(red * xs).sum((1, 2)), (red * ys).sum((1, 2))], 1) / red.sum((1, 2))[:, None]
    )
    assert np.abs(centre / 32 - data["target_xy"]).max() < 1.5 / 32  # within a pixel or so
    last = data["sensor"][:, :2, -1]
    assert np.abs(last - data["gripper_xy"]).max() < 0.1  # noise of 0.02
    expected = np.clip(REACH_GAIN * (data["target_xy"] - data["gripper_xy"]), -1, 1)
    np.testing.assert_allclose(data["targets"], expected, atol=1e-6)
    assert data["image"].shape == (4000, 3, 32, 32) and data["sensor"].shape == (4000, 6, 16)


def test_the_floors_are_what_one_input_alone_can_reach(data) -> None:
    floors = reach_floors()
    held_out = reach_samples(2000, seed=1)
    for known, missing in (("gripper_xy", "image"), ("target_xy", "sensor")):
        reader = KNeighborsRegressor(50).fit(data[known], data["targets"])
        mse = float(np.mean((reader.predict(held_out[known]) - held_out["targets"]) ** 2))
        assert mse == pytest.approx(floors[f"mse without {missing}"], rel=0.1)
    assert floors["mean predictor mse"] == pytest.approx(float(held_out["targets"].var(0).mean()),
                                                         rel=0.1)  # fmt: skip
    with pytest.raises(ValueError, match="4 or more sensor channels"):
        reach_samples(2, 0, sensor_channels=3)
