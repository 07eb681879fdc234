"""Time `metagen validate`, `plan --json` and `synth` as real processes, start-up included.

    python scripts/bench_cli.py [--runs 5] [--limit 0.5] [--specs text_llm image_vit ...]

Prints the median and max wall seconds per command and spec, and exits 1 if any median is
over the limit: the CLI must feel instant when it needs no torch.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "specs"
METAGEN = Path(sys.executable).with_name("metagen")
DEFAULT_SPECS = ["text_llm", "image_vit", "imagenet_classifier"]


def find_spec(name: str) -> Path:
    """The example spec `name` (the seed specs are examples, verbatim)."""
    found = sorted(EXAMPLES.rglob(f"{name}.yaml"))
    if not found:
        raise SystemExit(f"no spec named {name!r} in {EXAMPLES}")
    return found[0]


def time_once(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(METAGEN), *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"`metagen {' '.join(args)}` failed:\n{done.stderr}")
    return elapsed


def bench(spec: Path, runs: int, scratch: Path) -> dict[str, list[float]]:
    commands = {
        "validate": lambda i: ["validate", str(spec)],
        "plan --json": lambda i: ["plan", str(spec), "--json"],
        "synth": lambda i: [
            "synth",
            str(spec),
            "--out",
            str(scratch),
            "--run-id",
            f"{spec.stem}-{i}",
        ],
    }
    return {name: [time_once(make(i)) for i in range(runs)] for name, make in commands.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument(
        "--limit", type=float, default=0.5, help="largest acceptable median, seconds (default 0.5)"
    )
    parser.add_argument(
        "--specs",
        nargs="+",
        default=DEFAULT_SPECS,
        metavar="NAME",
        help=f"seed or example spec names (default: {' '.join(DEFAULT_SPECS)})",
    )
    options = parser.parse_args()
    if not METAGEN.is_file():
        raise SystemExit(f"{METAGEN} not found: run this with the project's .venv python")

    print(f"{'command':<12} {'spec':<22} {'median s':>9} {'max s':>7}")
    slow = []
    with tempfile.TemporaryDirectory(prefix="bench_cli.") as scratch:
        for name in options.specs:
            spec = find_spec(name)
            for command, times in bench(spec, options.runs, Path(scratch)).items():
                median = statistics.median(times)
                flag = "  SLOW" if median > options.limit else ""
                print(f"{command:<12} {name:<22} {median:>9.3f} {max(times):>7.3f}{flag}")
                if flag:
                    slow.append(f"{command} {name}")
    if slow:
        print(f"median over {options.limit} s: {', '.join(slow)}")
        return 1
    print(f"all medians within {options.limit} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
