"""Build (train, val, info) for a task from `synthetic` data or a path, through a registry."""

import math

from torch.utils.data import Subset

from metagen.data.anomaly_data import build_anomaly_datasets
from metagen.data.audio_data import audio_classification_datasets, audio_generation_datasets
from metagen.data.detection_data import build_detection_datasets
from metagen.data.diffusion_data import build_diffusion_datasets
from metagen.data.forecast_data import build_forecast_datasets
from metagen.data.image_captions import build_contrastive_datasets, build_vlm_datasets
from metagen.data.image_folder import ImageFolderDataset, find_split_folders, split_indices
from metagen.data.masked_text import build_masked_lm_datasets
from metagen.data.segmentation_data import build_panoptic_datasets, build_semantic_datasets
from metagen.data.speech_data import build_ctc_speech_datasets, build_speech_datasets
from metagen.data.synthetic_images import ShapesDataset
from metagen.data.synthetic_text import make_synthetic_text, unigram_entropy_nats
from metagen.data.tagging_data import build_tagging_datasets
from metagen.data.task_builders import RECORD_TASK_BUILDERS, build_record_classification
from metagen.data.text_data import TokenWindows, read_text_source, split_tokens
from metagen.data.tokenizer import ByteTokenizer
from metagen.data.video_builders import build_video_classification

# Used only where data_cfg leaves a key out or null; the spec schema normally fills them.
DATA_DEFAULTS = {
    "val_fraction": 0.1,
    "stride": None,
    "synthetic_chars": 200_000,
    "channels": 3,
    "num_classes": 12,
    "num_train": 5000,
    "num_val": 1000,
}


def _build_lm_datasets(cfg: dict, source: str, seed: int):
    seq_len, val_fraction = int(cfg["seq_len"]), float(cfg["val_fraction"])
    tokenizer = ByteTokenizer()
    if source == "synthetic":
        text = make_synthetic_text(int(cfg["synthetic_chars"]), seed)
    else:
        # Each split needs one window of seq_len + 1 tokens.
        min_chars = math.ceil((seq_len + 2) / min(val_fraction, 1.0 - val_fraction))
        text = read_text_source(source, min_chars=min_chars)
    train_ids, val_ids = split_tokens(tokenizer.encode(text), val_fraction)
    train = TokenWindows(train_ids, seq_len, stride=cfg["stride"])
    val = TokenWindows(val_ids, seq_len)
    info = {
        "task": "language_modeling",
        "source": source,
        "tokenizer": tokenizer.name,
        "vocab_size": tokenizer.vocab_size,
        "seq_len": seq_len,
        "num_train_tokens": len(train_ids),
        "num_val_tokens": len(val_ids),
        "num_train": len(train),
        "num_val": len(val),
        "unigram_entropy_nats": unigram_entropy_nats(val_ids),
    }
    return train, val, info


def _image_folder_datasets(cfg: dict, source: str, seed: int):
    image_size, channels = int(cfg["image_size"]), int(cfg["channels"])
    folders = find_split_folders(source)
    if folders is not None:
        train = ImageFolderDataset(folders[0], image_size, channels)
        val = ImageFolderDataset(folders[1], image_size, channels, train.class_names)
        return train, val, train.class_names
    full = ImageFolderDataset(source, image_size, channels)
    train_idx, val_idx = split_indices(
        len(full), float(cfg["val_fraction"]), seed, labels=full.labels
    )
    return Subset(full, train_idx), Subset(full, val_idx), full.class_names


def _shapes_datasets(cfg: dict, seed: int):
    shape_args = (int(cfg["image_size"]), int(cfg["channels"]))
    num_classes = int(cfg["num_classes"])
    # Separate seeds per split: no validation image is a training image.
    train = ShapesDataset(int(cfg["num_train"]), *shape_args, 2 * seed, num_classes)
    val = ShapesDataset(int(cfg["num_val"]), *shape_args, 2 * seed + 1, num_classes)
    return train, val, train.class_names


def _image_classification_datasets(cfg: dict, source: str, seed: int):
    if source == "synthetic":
        train, val, class_names = _shapes_datasets(cfg, seed)
    else:
        train, val, class_names = _image_folder_datasets(cfg, source, seed)
    info = {
        "task": "classification",
        "source": source,
        "num_classes": len(class_names),
        "class_names": list(class_names),
        "image_size": int(cfg["image_size"]),
        "channels": int(cfg["channels"]),
        "num_train": len(train),
        "num_val": len(val),
    }
    return train, val, info


# Classification data by input kind (data_cfg["kind"], set by the modality handler).
CLASSIFICATION_DATA = {
    "image": _image_classification_datasets,
    "audio": audio_classification_datasets,
    "video": build_video_classification,
    "tabular": build_record_classification,
    "text": build_record_classification,
    "series": build_record_classification,
}


def _build_classification_datasets(cfg: dict, source: str, seed: int):
    kind = cfg.get("kind", "image")
    if kind not in CLASSIFICATION_DATA:
        raise ValueError(
            f"no classification data for {kind!r}; known: {sorted(CLASSIFICATION_DATA)}"
        )
    return CLASSIFICATION_DATA[kind](cfg, source, seed)


DATASET_BUILDERS = {
    **RECORD_TASK_BUILDERS,
    "semantic_segmentation": build_semantic_datasets,
    "panoptic_segmentation": build_panoptic_datasets,
    "time_series_forecast": build_forecast_datasets,
    "anomaly_detection": build_anomaly_datasets,
    "sequence_labeling": build_tagging_datasets,
    "contrastive": build_contrastive_datasets,
    "vlm": build_vlm_datasets,
    "language_modeling": _build_lm_datasets,
    "masked_lm": build_masked_lm_datasets,
    "classification": _build_classification_datasets,
    "audio_generation": audio_generation_datasets,
    "diffusion": build_diffusion_datasets,
    "dense_detection": build_detection_datasets,
    "set_detection": build_detection_datasets,
    "instance_segmentation": build_detection_datasets,
    "speech_recognition": build_speech_datasets,
    "speech_recognition_ctc": build_ctc_speech_datasets,
}


def build_datasets(task: str, data_cfg: dict, source: str = "synthetic", seed: int = 0):
    """(train, val, info) for `task`; `source` is "synthetic" or a file/folder path."""
    if task not in DATASET_BUILDERS:
        raise ValueError(f"no datasets for task {task!r}; known tasks: {sorted(DATASET_BUILDERS)}")
    cfg = {**DATA_DEFAULTS, **{k: v for k, v in data_cfg.items() if v is not None}}
    return DATASET_BUILDERS[task](cfg, str(source), seed)
