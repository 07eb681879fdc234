"""docs/devices.md states the numbers the latency estimate uses: each device class's row
gives its representative's peak per precision, bandwidth and memory as devices.py holds them."""

from __future__ import annotations

import pytest
from tests.paths import REPO

from metagen.blueprint.devices import DEVICES, GB, TERA
from metagen.blueprint.latency_plan import LABEL_TARGETS

DOC = (REPO / "docs" / "devices.md").read_text(encoding="utf-8")


def _row(name: str) -> str:
    return next(line for line in DOC.splitlines() if line.startswith(f"| `{name}` |"))


@pytest.mark.parametrize("name", DEVICES)
def test_each_device_row_holds_the_numbers_the_estimate_uses(name):
    device, row = DEVICES[name], _row(name)
    assert device.representative.split(" (")[0] in row
    for precision, peak in device.peak.items():
        unit = "TOP/s" if precision == "int8" else "TFLOP/s"
        assert f"{peak / TERA:g} {unit}" in row, (precision, row)
    assert f"{device.bandwidth / GB:g} GB/s" in row


def test_the_label_table_gives_the_targets_the_planner_applies():
    real_time = LABEL_TARGETS["real-time"]
    assert real_time is not None
    assert f"≤ {real_time['frame']:g} ms (30 frames/s)" in DOC
    assert f"≥ {1e3 / real_time['token']:g} tokens/s" in DOC
