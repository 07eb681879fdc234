"""A user's multi-modal samples for a fusion classifier, each input read as infer.py reads it
(data/fusion_inputs.py). One JSON object per line of a .jsonl file, its paths relative to the
file:

    {"image": "img/0.png", "text": "a red car", "audio": "wav/0.wav", "video": "clips/0.npy",
     "sensor": "imu/0.csv", "tabular": [0.1, 2.0, 3.5], "label": "car"}

The keys are the model's inputs and "label" (text or an integer). Any input may be missing
from a line: it is masked there, in training as at inference, never replaced by zeros the
model reads; each line needs one input at least. A folder holds train.jsonl and val.jsonl (or
test.jsonl); a single file is split, a fifth held out by the seed. Every file is read when the
datasets are built, so that a missing or corrupt one is an error before training starts.
"""

import json
from pathlib import Path

import numpy as np
import torch

from metagen.data.fusion_inputs import fusion_input_dims, read_fusion_input
from metagen.data.records import TensorRecords, record_split_files

FUSION_JSONL_EXAMPLE = '{"image": "img/0.png", "text": "a red car", "label": "car"}'
FUSION_HELD_OUT_FRACTION = 0.2


def _read_lines(path: Path, inputs: list) -> list[dict]:
    """The file's samples, each checked: known keys, a label, one input at least."""
    samples = []
    with path.open(encoding="utf-8") as file:
        for line_no, line in enumerate(file, 1):
            if not line.strip():
                continue
            where = f"{path}:{line_no}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{where}: not JSON ({error.msg}). Each line must be one "
                                 f"JSON object such as {FUSION_JSONL_EXAMPLE}") from None  # fmt: skip
            if not isinstance(record, dict) or "label" not in record:
                raise ValueError(f"{where}: each line must be a JSON object with a 'label', "
                                 f"such as {FUSION_JSONL_EXAMPLE}")  # fmt: skip
            unknown = [key for key in record if key not in (*inputs, "label")]
            if unknown:
                raise ValueError(f"{where}: {', '.join(unknown)} is not an input of this model "
                                 f"(its inputs: {', '.join(inputs)}); remove it")  # fmt: skip
            if not any(name in record for name in inputs):
                raise ValueError(f"{where}: the line gives no input; give one of "
                                 f"{', '.join(inputs)}")  # fmt: skip
            if not isinstance(record["label"], str | int) or isinstance(record["label"], bool):
                raise ValueError(f"{where}: label must be text or an integer")
            samples.append({**record, "_where": where})
    if not samples:
        raise ValueError(f"{path} has no samples; add lines such as {FUSION_JSONL_EXAMPLE}")
    return samples


def _tensors(samples: list, inputs: list, dims: dict, base: Path, classes: list) -> dict:
    """Every input stacked (a stand-in of zeros where a sample lacks it), the (N, M) mask of
    inputs present, and the labels."""
    index = {name: i for i, name in enumerate(classes)}
    columns: dict[str, list] = {name: [] for name in inputs}
    present = torch.zeros(len(samples), len(inputs), dtype=torch.bool)
    for row, sample in enumerate(samples):
        label = str(sample["label"])
        if label not in index:
            raise ValueError(f"{sample['_where']}: label {label!r} is not among the training "
                             f"labels ({', '.join(classes)})")  # fmt: skip
        for m, name in enumerate(inputs):
            if name not in sample:
                columns[name].append(None)
                continue
            value = sample[name]
            if name not in ("text", "tabular"):
                value = str(base / value) if isinstance(value, str) else value
            try:
                columns[name].append(read_fusion_input(name, value, dims))
            except (OSError, ValueError) as error:
                raise ValueError(f"{sample['_where']}: cannot read its {name}: {error}") from None
            present[row, m] = True
    tensors = {
        "present": present,
        "labels": torch.tensor([index[str(s["label"])] for s in samples]),
    }
    for name, values in columns.items():
        stand_in = next((v for v in values if v is not None), None)
        if stand_in is None:  # no sample has it: left out, the model masks it everywhere
            continue
        tensors[name] = torch.stack([v if v is not None else torch.zeros_like(stand_in)
                                     for v in values])  # fmt: skip
    return tensors


def fusion_file_datasets(cfg: dict, source: str, seed: int):
    """(train, held-out, info) from the user's JSONL samples at `source`."""
    inputs, dims = list(cfg["inputs"]), fusion_input_dims(cfg)
    split = record_split_files(source, ".jsonl")
    if split is None:
        path = Path(source)
        if path.suffix.lower() != ".jsonl":
            raise ValueError(f"--data {source}: a fusion classifier reads a .jsonl file of "
                             "samples (or a folder with train.jsonl and val.jsonl), one "
                             f"object per line such as {FUSION_JSONL_EXAMPLE}")  # fmt: skip
        samples = _read_lines(path, inputs)
        order = np.random.default_rng(seed).permutation(len(samples))
        cut = max(1, round(len(samples) * FUSION_HELD_OUT_FRACTION))
        if len(samples) - cut < 1:
            raise ValueError(f"{path} has {len(samples)} samples: too few to hold a fifth out")
        held = [samples[i] for i in order[:cut]]
        train = [samples[i] for i in order[cut:]]
        bases = (path.parent, path.parent)
    else:
        train, held = _read_lines(split[0], inputs), _read_lines(split[1], inputs)
        bases = (split[0].parent, split[1].parent)
    labels = {s["label"] for s in train}
    # integer labels keep their order (2 before 10); text labels sort alphabetically
    ordered = (
        sorted(labels) if all(isinstance(x, int) for x in labels) else sorted(map(str, labels))
    )
    classes = [str(x) for x in ordered]
    if len(classes) < 2:
        raise ValueError(f"--data {source}: the training samples have one label "
                         f"({classes[0]}); a classifier needs two or more")  # fmt: skip
    splits = [TensorRecords(_tensors(part, inputs, dims, base, classes))
              for part, base in zip((train, held), bases, strict=True)]  # fmt: skip
    info = {
        "task": "fusion_classification",
        "source": source,
        "inputs": inputs,
        "num_classes": len(classes),
        "class_names": classes,
        "num_train": len(train),
        "num_val": len(held),
        "fit_dims": {"num_outputs": len(classes)},
    }
    return splits[0], splits[1], info
