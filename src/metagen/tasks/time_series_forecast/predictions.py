"""A forecaster's held-out forecasts beside the truth and the seasonal-naive forecast, for
report/plots/forecast: every window's horizon (for the error by step), and the history of a
few windows spread over the held-out set, dated where the CSV has a time column.

A CSV's held-out windows are consecutive: window i starts at row held_out_first_row + i
(data.py), which dates each step of it."""

import numpy as np
import torch

from metagen.data.batch import model_inputs, move_batch
from metagen.data.time_series_csv import read_series_table

SHOWN_WINDOWS = 4
MAX_WINDOWS = 2000  # the first held-out windows
# Time columns whose cells numpy reads as dates (ISO 8601: 2024-01-31, 2024-01-31T12:00, 1990).
DATE_COLUMNS = ("date", "datetime", "timestamp", "time", "ds", "year")


def collect_forecasts(model, batches, device, info) -> dict:
    """{"kind": "forecast", forecast, truth, naive (N, H), window_index (n,), history (n, L),
    and times (n, L + H) ISO dates where the data has them, else time_axis saying why not}."""
    forecasts, truths, naive, histories = [], [], [], []
    for batch in batches:
        batch = move_batch(batch, device)
        forecasts.append(model(**model_inputs(batch)).float().cpu())  # (B, H)
        truths.append(batch["targets"].float().cpu())
        naive.append(batch["naive_forecast"].float().cpu())
        histories.append(batch["past"][..., -1].float().cpu())  # (B, L): the target channel
        if sum(len(chunk) for chunk in truths) >= MAX_WINDOWS:
            break
    if not truths:
        raise ValueError("no held-out batches to predict on")
    count = min(MAX_WINDOWS, sum(len(chunk) for chunk in truths))
    shown = np.unique(np.linspace(0, count - 1, SHOWN_WINDOWS).round().astype(int))
    collected = {
        "kind": "forecast",
        "forecast": torch.cat(forecasts)[:count],
        "truth": torch.cat(truths)[:count],
        "naive": torch.cat(naive)[:count],
        "window_index": torch.from_numpy(shown),
        "history": torch.cat(histories)[torch.from_numpy(shown)],
        "target_column": str(info.get("target_column", "target")),
    }
    times, time_axis = window_dates(info, shown.tolist())
    if times is not None:
        collected["times"] = times
    collected["time_axis"] = time_axis
    return collected


def window_dates(info: dict, windows: list[int]) -> tuple[list[list[str]] | None, str]:
    """(each window's dates, lookback then horizon, as ISO text; the time column's name), or
    (None, why there are none)."""
    if info["source"] == "synthetic":
        return None, "step (synthetic series: no timestamps)"
    header, rows, _ = read_series_table(info.get("held_out_file", info["source"]))
    names = [name for name in header if name.lower() in DATE_COLUMNS]
    if not names:
        return None, "step (the CSV has no time column)"
    column = header.index(names[0])
    dates = iso_dates([row[column].strip() for row in rows], names[0])
    if dates is None:
        return None, f"step (column {names[0]!r} does not hold ISO dates)"
    if len(dates) > 1 and not (dates[1:] > dates[:-1]).all():
        return None, f"step (column {names[0]!r} is not in time order)"
    length = int(info["lookback"]) + int(info["horizon"])
    # the first held-out window's row (runs before held_out_first_row: train_rows - lookback)
    first = int(info.get("held_out_first_row", int(info["train_rows"]) - int(info["lookback"])))
    spans = [dates[first + w : first + w + length] for w in windows]
    return [[str(d) for d in span] for span in spans], names[0]


def iso_dates(cells: list[str], column: str) -> np.ndarray | None:
    """The cells as datetime64, or None unless each is an ISO date (2024-01-31, with a time
    or not) or, in a year column, a year: numpy would read a bare 7 as the year 0007."""
    year_column = column.lower() == "year"
    if not all(_looks_dated(cell, year_column) for cell in cells):
        return None
    try:
        return np.array([np.datetime64(cell) for cell in cells])
    except ValueError:
        return None


def _looks_dated(cell: str, year_column: bool) -> bool:
    """2024-01-31 and what follows it (ISO 8601), or 1990 in a year column."""
    if not cell[:4].isdigit():
        return False
    return cell[4:5] == "-" or (year_column and len(cell) == 4)
