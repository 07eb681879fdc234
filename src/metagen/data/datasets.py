"""(train, held-out, info) for a task: its data builder with the data config's defaults."""

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


def build_datasets(builder, data_cfg: dict, source: str = "synthetic", seed: int = 0):
    """(train, val, info) from `builder(cfg, source, seed)`; `source` is "synthetic" or a
    file/folder path."""
    cfg = {**DATA_DEFAULTS, **{k: v for k, v in data_cfg.items() if v is not None}}
    return builder(cfg, str(source), seed)
