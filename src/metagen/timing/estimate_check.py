"""The latency estimate against this CPU, spec by spec: each spec's smoke-scale model timed
at batch 1 (one thread, median after warm-up) beside the estimate for the same forward on the
calibrated `cpu` device. docs/devices.md's table comes from here (scripts/latency_table.py)."""

import statistics
from dataclasses import dataclass
from pathlib import Path

from metagen.blueprint.devices import Device
from metagen.planning import make_blueprint
from metagen.spec import load_spec
from metagen.timing.measure import estimate_forward_ms, measure_forward

# The estimate counts as right when it is within this factor of the measurement.
WITHIN = 2.0


@dataclass(frozen=True)
class Row:
    spec: str
    arch: str
    sample: str
    measured_ms: float
    estimate_ms: float

    @property
    def ratio(self) -> float:
        return self.estimate_ms / self.measured_ms

    @property
    def within(self) -> bool:
        return 1 / WITHIN <= self.ratio <= WITHIN


def check_spec(path: Path, device: Device, scale: str = "smoke", max_seconds: float = 1.0) -> Row:
    bp = make_blueprint(load_spec(path))
    config = bp.scales[scale]
    measured = measure_forward(bp.arch, config.model, config.data, max_seconds=max_seconds)
    estimate = estimate_forward_ms(bp.arch, config.model, config.data, device)
    return Row(path.stem, bp.arch, measured["sample"], measured["median_ms"], estimate)


def markdown_table(rows: list[Row]) -> str:
    lines = [
        "| spec | arch | sample | measured ms | estimated ms | estimate / measured |",
        "|---|---|---|---:|---:|---:|",
    ]
    for row in rows:
        mark = "" if row.within else " (outside 2x)"
        lines.append(
            f"| {row.spec} | {row.arch} | {row.sample} | {row.measured_ms:.3f} | "
            f"{row.estimate_ms:.3f} | {row.ratio:.2f}{mark} |"
        )
    inside = sum(row.within for row in rows)
    median = statistics.median(row.ratio for row in rows)
    lines.append("")
    lines.append(
        f"{inside} of {len(rows)} ({inside / len(rows):.0%}) within a factor of {WITHIN:g}; "
        f"the median estimate / measured is {median:.2f}."
    )
    return "\n".join(lines)
