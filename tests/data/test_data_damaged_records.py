"""Record files that used to fail without naming the file: a quote never closed (the csv
module's own error) and bytes that are not UTF-8 in the readers that stream a file. Each is
now a one-line ValueError naming the file (and the line, where there is one)."""

from __future__ import annotations

import pytest

from metagen.data.record_inputs import record_inputs
from metagen.tasks.runtime import build_datasets

RECORDS = {"val_fraction": 0.25, "seq_len": 16, "channels": 1}
FORECAST = {
    "kind": "forecast",
    "lookback": 8,
    "horizon": 2,
    "channels": 1,
    "season_length": None,
    "target_column": None,
    "val_fraction": 0.2,
}
ANOMALY = {"kind": "series_window", "window": 8, "channels": 1, "val_fraction": 0.2}


def unclosed_quote(path, header: str, row: str) -> None:
    """Twenty good rows, then a quote that swallows the rest: a value past the csv module's
    131072-character limit, on line 23."""
    rows = "".join(f"{row}\n" for _ in range(20))
    path.write_text(f'{header}\n{rows}"{row}\n{"x" * 200_000}\n')


@pytest.mark.parametrize(
    ("task", "cfg"),
    [
        ("classification", {**RECORDS, "kind": "tabular"}),
        ("classification", {**RECORDS, "kind": "series"}),
        ("time_series_forecast", FORECAST),
        ("anomaly_detection", ANOMALY),
    ],
    ids=["tabular", "series", "forecast", "anomaly"],
)
def test_a_quote_never_closed_is_located(tmp_path, task, cfg):
    path = tmp_path / "d.csv"
    unclosed_quote(path, "a,b,y", "1,2,0")  # the file is read whole before its columns count
    with pytest.raises(ValueError) as error:
        build_datasets(task, cfg, str(path))
    message = str(error.value)
    assert message.startswith(f"{path}:23: the CSV cannot be parsed"), message
    assert "Close the quote" in message


@pytest.mark.parametrize(
    ("task", "cfg"), [("time_series_forecast", FORECAST), ("anomaly_detection", ANOMALY)]
)
def test_a_series_csv_that_is_not_utf8_names_the_file(tmp_path, task, cfg):
    path = tmp_path / "d.csv"
    path.write_bytes(b"v\n" + "".join(f"{i}\n" for i in range(40)).encode() + b"\xff\xfe\n")
    with pytest.raises(ValueError, match=f"^{path}: is not UTF-8 text"):
        build_datasets(task, cfg, str(path))


INFO = {
    "kind": "tabular",
    "task": "classification",
    "feature_names": ["a", "b"],
    "feature_mean": [0.0, 0.0],
    "feature_std": [1.0, 1.0],
}


def test_inference_inputs_refuse_a_quote_never_closed_and_bytes_not_utf8(tmp_path):
    path = tmp_path / "probe.csv"
    unclosed_quote(path, "a,b", "1,2")
    with pytest.raises(ValueError, match=f"^{path}:23: the CSV cannot be parsed"):
        record_inputs(path, INFO)
    path.write_bytes(b"a,b\n1,2\n\xff,3\n")
    with pytest.raises(ValueError, match=f"^{path}: is not UTF-8 text"):
        record_inputs(path, INFO)
    texts = tmp_path / "probe.jsonl"
    texts.write_bytes(b'{"text": "caf\xe9"}\n')
    with pytest.raises(ValueError, match=f"^{texts} is not valid UTF-8"):
        record_inputs(texts, {"kind": "text", "task": "classification", "seq_len": 8})
