"""The robot policy's data: the built-in reaching samples (data/fusion_reach.py), camera
pixels in [0, 1] and sensor readings, with the action to take."""

import torch

from metagen.data.fusion_reach import reach_floors, reach_samples
from metagen.data.records import TensorRecords


def fusion_reach_datasets(cfg: dict, source: str, seed: int):
    """(train, held-out, info) from the built-in reaching data; split by seed."""
    if source != "synthetic":
        raise ValueError(
            f"{source}: a fusion regressor trains on the built-in reaching data only; a file "
            "format for multi-modal samples is not built yet. Run with --data synthetic"
        )
    sizes = {"image_size": int(cfg["image_size"]), "sensor_channels": int(cfg["sensor_channels"]),
             "sensor_steps": int(cfg["sensor_steps"])}  # fmt: skip
    splits = []
    for size, offset in (("num_train", 0), ("num_val", 1)):
        data = reach_samples(int(cfg[size]), 2 * seed + offset, **sizes)
        splits.append(TensorRecords({key: torch.from_numpy(data[key])
                                     for key in ("image", "sensor", "targets")}))  # fmt: skip
    info = {
        "task": "fusion_regression",
        "source": source,
        "inputs": ["image", "sensor"],
        "action_names": ["velocity_x", "velocity_y"],
        "floors": reach_floors(),
        "num_train": len(splits[0]),
        "num_val": len(splits[1]),
    }
    return splits[0], splits[1], info
