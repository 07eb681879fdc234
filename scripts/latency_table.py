"""The latency estimate against this machine's CPU, over every example spec at smoke scale.

    python scripts/latency_table.py [--write docs/devices.md]

Calibrates the `cpu` device class afresh (into a temporary file, not the user's cache), times
each spec's smoke model at batch 1 on one thread beside its estimate, and prints a markdown
table; --write puts it between the latency-table markers of the given file. Exits 1 when
fewer than 80% of the estimates are within a factor of 2.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "specs"
START, END = "<!-- latency-table -->", "<!-- /latency-table -->"
REQUIRED_SHARE = 0.8


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--write", type=Path, help="a markdown file with the table markers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["METAGEN_CPU_CALIBRATION"] = str(Path(scratch) / "cpu.json")
        from metagen.timing.calibrate import calibrate_cpu
        from metagen.timing.estimate_check import check_spec, markdown_table

        device = calibrate_cpu()
        rows = []
        for path in sorted(EXAMPLES.rglob("*.yaml")):
            row = check_spec(path, device)
            rows.append(row)
            print(
                f"{row.spec}: measured {row.measured_ms:.3f} ms, estimated "
                f"{row.estimate_ms:.3f} ms",
                file=sys.stderr,
            )
    header = (
        f"Measured on {date.today().isoformat()}: {platform.machine()}, {os.cpu_count()} cores, "
        f"one thread; calibration: peak {device.peak['fp32'] / 1e9:.0f} GFLOP/s, batch-1 "
        f"layers at {device.compute_efficiency:.0%} of it, {device.bandwidth / 1e9:.1f} GB/s, "
        f"{1e6 * device.kernel_overhead:.2f} us per kernel.\n\n"
    )
    table = header + markdown_table(rows)
    print(table)
    if args.write:
        text = args.write.read_text(encoding="utf-8")
        before, rest = text.split(START, 1)
        _, after = rest.split(END, 1)
        args.write.write_text(f"{before}{START}\n{table}\n{END}{after}", encoding="utf-8")
    share = sum(row.within for row in rows) / len(rows)
    return 0 if share >= REQUIRED_SHARE else 1


if __name__ == "__main__":
    sys.exit(main())
