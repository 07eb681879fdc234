"""Every series architecture (series_cnn, the five forecasters, anomaly_autoencoder) trains on
the channel count its data gives, not the spec's: each reader's `fit_dims` set the dims, as
the generated train.py's fit_head_to_data does, and a real batch of that data runs forward
and backward through the model built from them."""

from __future__ import annotations

import pytest
import torch
from tests.archs.small_dims import SMALL_DIMS
from tests.tasks.classification.series_recording_files import class_folders
from tests.tasks.time_series_forecast.test_forecast_test_split import write_series
from torch.utils.data import DataLoader

from metagen.archs.build import build_from_dims
from metagen.tasks.runtime import build_datasets


def fitted(dims: dict, info: dict) -> dict:
    """The dims after the data's fit_dims, for the keys the model has."""
    return {**dims, **{k: v for k, v in info["fit_dims"].items() if k in dims}}


def forward_backward(arch: str, dims: dict, dataset) -> torch.Tensor:
    torch.manual_seed(0)
    model = build_from_dims(arch, dims)
    batch = next(iter(DataLoader(dataset, batch_size=4)))
    inputs = {k: v for k, v in batch.items() if k in ("series", "past", "values")}
    out = model(**inputs)
    out = out["reconstruction"] if isinstance(out, dict) else out
    out.float().square().mean().backward()
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)
    return out


@pytest.mark.parametrize("arch", ["tft", "patchtst", "rnn_forecaster", "dlinear", "nbeats"])
def test_a_forecaster_reads_every_value_column_of_the_csv(tmp_path, arch) -> None:
    path = write_series(tmp_path / "s.csv", 80)  # load, temp, humidity
    planned = next(iter(SMALL_DIMS[arch].values()))  # one channel planned
    cfg = {"lookback": planned["lookback"], "horizon": planned["horizon"], "channels": 6,
           "target_column": "load", "season_length": 4, "val_fraction": 0.2}  # fmt: skip
    train, _, info = build_datasets("time_series_forecast", cfg, str(path))
    dims = fitted(planned, info)
    assert (planned["channels"], dims["channels"]) == (1, 3)
    assert forward_backward(arch, dims, train).shape == (4, planned["horizon"])


def test_the_series_cnn_reads_six_channel_recordings(tmp_path) -> None:
    planned = SMALL_DIMS["series_cnn"]["one_channel"]
    cfg = {"kind": "series", "series_length": 20, "channels": 1, "num_classes": 4,
           "val_fraction": 0.25}  # fmt: skip
    train, _, info = build_datasets("classification", cfg, str(class_folders(tmp_path, 4)))
    dims = fitted(planned, info)
    assert (dims["in_channels"], dims["series_length"], dims["num_outputs"]) == (6, 48, 2)
    assert forward_backward("series_cnn", dims, train).shape == (4, 2)


def test_the_anomaly_autoencoder_reads_every_value_column(tmp_path) -> None:
    path = write_series(tmp_path / "s.csv", 120)
    planned = SMALL_DIMS["anomaly_autoencoder"]["window"]  # two channels planned
    cfg = {"kind": "series_window", "window": planned["window"], "channels": 8,
           "season_length": 8, "val_fraction": 0.2}  # fmt: skip
    train, _, info = build_datasets("anomaly_detection", cfg, str(path))
    dims = fitted(planned, info)
    assert dims["channels"] == 3  # load, temp, humidity (the date column is time)
    assert forward_backward("anomaly_autoencoder", dims, train).shape == (4, planned["window"], 3)
