"""The fusion classifier's data: the built-in fusion data (data/fusion_synthetic.py), each
modality as the model reads it (image pixels in [0, 1], text as byte ids padded with 256), or
the user's samples (data_files.py)."""

import numpy as np
import torch

from metagen.data.fusion_inputs import caption_ids
from metagen.data.fusion_synthetic import fusion_ceilings, fusion_num_classes, fusion_samples
from metagen.data.records import TensorRecords
from metagen.tasks.fusion_classification.data_files import fusion_file_datasets


def fusion_tensors(data: dict, inputs: list, text_len: int) -> dict:
    """fusion_samples' arrays as the model's keyword tensors and "labels"."""
    out = {"labels": torch.as_tensor(np.asarray(data["label"]), dtype=torch.long)}
    for name in inputs:
        if name == "text":
            out["text"] = caption_ids(data["text"], text_len)
        else:
            out[name] = torch.from_numpy(np.asarray(data[name], dtype=np.float32))
    return out


def fusion_datasets(cfg: dict, source: str, seed: int):
    """(train, held-out, info) from the built-in fusion data, split by seed, or from the
    user's samples (data_files.py)."""
    if source != "synthetic":
        return fusion_file_datasets(cfg, source, seed)
    inputs, levels = list(cfg["inputs"]), int(cfg["levels"])
    sizes = {key: cfg[key] for key in ("image_size", "sensor_channels", "sensor_steps",
                                        "audio_samples", "num_features", "video_frames")}  # fmt: skip
    sizes["sample_rate"] = cfg["audio_rate"]
    sizes["video_resolution"] = tuple(cfg["video_resolution"])
    splits = [
        TensorRecords(fusion_tensors(
            fusion_samples(inputs, int(cfg[size]), 2 * seed + offset, levels=levels, **sizes),
            inputs, int(cfg["text_len"]),
        ))
        for size, offset in (("num_train", 0), ("num_val", 1))
    ]  # fmt: skip
    num_classes = fusion_num_classes(inputs, levels)
    info = {
        "task": "fusion_classification",
        "source": source,
        "inputs": inputs,
        "num_classes": num_classes,
        "class_names": [f"class_{i}" for i in range(num_classes)],
        "ceilings": fusion_ceilings(inputs, levels),
        "num_train": len(splits[0]),
        "num_val": len(splits[1]),
        "fit_dims": {"num_outputs": num_classes},
    }
    return splits[0], splits[1], info
