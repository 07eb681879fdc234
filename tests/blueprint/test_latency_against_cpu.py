"""The latency estimate against this machine's CPU: every example spec's smoke model, timed
at batch 1 on one thread, beside its estimate on the freshly calibrated `cpu`. At least 80%
must be within a factor of 2 (docs/devices.md's table comes from scripts/latency_table.py,
the same check)."""

from __future__ import annotations

import pytest
from tests.paths import EXAMPLE_SPECS

from metagen.timing.calibrate import calibrate_cpu
from metagen.timing.estimate_check import WITHIN, check_spec, markdown_table

REQUIRED_SHARE = 0.8


@pytest.mark.slow
def test_estimates_are_within_a_factor_of_two_for_most_example_specs():
    device = calibrate_cpu()
    rows = [check_spec(path, device) for path in EXAMPLE_SPECS]
    share = sum(row.within for row in rows) / len(rows)
    print(markdown_table(rows))
    assert share >= REQUIRED_SHARE, f"{share:.0%} within {WITHIN:g}x:\n{markdown_table(rows)}"
