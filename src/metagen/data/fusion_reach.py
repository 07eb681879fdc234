"""Built-in data for a robot policy from a camera and sensors: reaching. The action that moves
the gripper towards the target needs both inputs, so that fusion is measurable.

Each sample places a target and the gripper uniformly in [REACH_LOW, REACH_HIGH]^2 (fractions
of the workspace, which the camera sees whole):

- image (3, size, size): the target, a red disc, on a noisy grey floor; the gripper is out of
  view;
- sensor (channels, steps): the gripper's recent path, ending at its position: channels 0 and
  1 its x and y, 2 and 3 its velocity, the rest unrelated readings (force, temperature), all
  with noise;
- targets (2,): the action, a velocity command REACH_GAIN * (target - gripper) clipped to
  [-1, 1] per axis.

Without the image the target is unknown, and without the sensor the gripper is: `reach_floors`
gives the least mean squared error any model can reach missing either, by numerical
integration over the uniform positions.
"""

import numpy as np

REACH_LOW, REACH_HIGH = 0.15, 0.85
REACH_GAIN = 1.5
REACH_TARGET_RGB = (0.9, 0.15, 0.15)
REACH_DISC = 0.09  # the disc's radius, a fraction of the image side
REACH_SENSOR_NOISE = 0.02
REACH_PATH_STEP = 0.01  # the gripper's speed along its recent path, per step


def reach_action(target: np.ndarray, gripper: np.ndarray) -> np.ndarray:
    return np.clip(REACH_GAIN * (target - gripper), -1.0, 1.0)


def reach_samples(n: int, seed: int, *, image_size: int = 32, sensor_channels: int = 6,
                  sensor_steps: int = 32) -> dict[str, np.ndarray]:  # fmt: skip
    """`n` samples: "image" (n, 3, size, size), "sensor" (n, channels, steps), "targets"
    (n, 2) float32, and the positions behind them, "target_xy" and "gripper_xy" (n, 2)."""
    if sensor_channels < 4:
        raise ValueError(f"reaching needs 4 or more sensor channels (position, velocity), "
                         f"got {sensor_channels}")  # fmt: skip
    rng = np.random.default_rng(seed)
    target = rng.uniform(REACH_LOW, REACH_HIGH, size=(n, 2))
    gripper = rng.uniform(REACH_LOW, REACH_HIGH, size=(n, 2))
    yy, xx = (np.mgrid[0:image_size, 0:image_size] + 0.5) / image_size
    floor = rng.uniform(0.35, 0.55, size=(n, 1, 1, 1)) + rng.normal(
        0.0, 0.04, size=(n, 3, image_size, image_size)
    )
    inside = (xx - target[:, 0, None, None]) ** 2 + (yy - target[:, 1, None, None]) ** 2
    disc = (inside <= REACH_DISC**2)[:, None]
    image = np.where(disc, np.asarray(REACH_TARGET_RGB)[None, :, None, None], floor)
    # The recent path: a straight run at a random heading that ends at the gripper.
    heading = rng.uniform(0, 2 * np.pi, size=(n, 1))
    back = REACH_PATH_STEP * np.arange(sensor_steps - 1, -1, -1)[None]  # steps before the end
    x = gripper[:, :1] - back * np.cos(heading)
    y = gripper[:, 1:] - back * np.sin(heading)
    velocity = np.broadcast_to(REACH_PATH_STEP * np.stack([np.cos(heading), np.sin(heading)], 1),
                               (n, 2, sensor_steps))  # fmt: skip
    others = rng.normal(0.0, 1.0, size=(n, sensor_channels - 4, sensor_steps))
    sensor = np.concatenate([np.stack([x, y], 1), velocity * 10, others], 1)
    sensor = sensor + rng.normal(0.0, REACH_SENSOR_NOISE, size=sensor.shape)
    return {
        "image": np.clip(image, 0.0, 1.0).astype(np.float32),
        "sensor": sensor.astype(np.float32),
        "targets": reach_action(target, gripper).astype(np.float32),
        "target_xy": target,
        "gripper_xy": gripper,
    }


def reach_floors(points: int = 2001) -> dict[str, float]:
    """The least mean squared error (averaged over the 2 action axes) of any model missing
    the image (the target unknown: the best guess is the action's mean over targets) or the
    sensor (the gripper unknown), and of predicting the overall mean ("mean predictor")."""
    grid = np.linspace(REACH_LOW, REACH_HIGH, points)
    action = reach_action(grid[:, None], grid[None, :])  # [target, gripper], one axis
    return {
        "mse without image": float(action.var(axis=0).mean()),
        "mse without sensor": float(action.var(axis=1).mean()),
        "mean predictor mse": float(action.var()),
    }
