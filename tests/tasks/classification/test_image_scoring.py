"""evaluate.py --data on a picture folder scores every picture ("given"), with the trained
run's class order, not a validation share of the folder and not its own classes."""

import numpy as np
from PIL import Image

from metagen.tasks.runtime import build_datasets


def class_folders(root, counts: dict[str, int]):
    for name, count in counts.items():
        (root / name).mkdir(parents=True)
        for i in range(count):
            Image.fromarray(np.full((8, 8), 40 * i, np.uint8)).save(root / name / f"{i}.png")
    return root


def test_every_picture_of_the_given_folder_is_scored_in_the_trained_class_order(tmp_path):
    cfg = {"image_size": 8, "channels": 1, "val_fraction": 0.25, "augment": False}
    train = class_folders(tmp_path / "train", {"a": 4, "b": 4, "c": 4})
    _, _, info = build_datasets("classification", cfg, str(train), 0)
    test = class_folders(tmp_path / "test", {"c": 3, "b": 2})  # no "a"; not sorted as trained
    given = {**cfg, "held_out": "given", "trained_info": info}
    _, held_out, _ = build_datasets("classification", given, str(test), 0)
    assert len(held_out) == 5
    labels = sorted(int(held_out[i]["labels"]) for i in range(5))
    assert labels == [1, 1, 2, 2, 2]  # b and c as the model numbers them
