"""`metagen validate`: hostile YAML is refused in bounded time and memory, and "valid" means
that `plan` and `synth` will succeed (the planner's feasibility checks run too).

The reproducers run through the real command in a fresh process, so the time, the peak
memory and the absence of a traceback are what a user would see.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.cli.helpers import (
    BASE_SPEC,
    METAGEN,
    error_paragraph,
    invoke,
    replace_line,
    write_spec,
)
from tests.paths import NOT_BUILT_SPECS, REPO

# Bounds from the hardening issue: each refusal in under 5 s and 300 MB, start-up included.
MAX_SECONDS = 5.0
MAX_RSS_MB = 300


def _laughs() -> str:
    # A billion laughs: 9 aliases a level, 8 levels, 43 million values once expanded.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 8)]
    return BASE_SPEC + "\n".join(lines) + "\n"


def _merge_bomb() -> str:
    lines = ["m0: &m0 {" + ", ".join(f"k{i}: {i}" for i in range(9)) + "}"]
    for i in range(1, 10):
        lines.append(f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 9)}], k{i}: 1}}")
    return BASE_SPEC + "\n".join(lines) + "\n"


def _budget(value: str) -> str:
    return replace_line(BASE_SPEC, 'max: "2M"', f"    max: {value}")


# name -> (spec text, words the message must contain)
REPRODUCERS = {
    "nul-byte": (BASE_SPEC + "description: a\x00b\n", "U+0000"),
    "esc-byte": (BASE_SPEC + "description: a\x1bb\n", "U+001B"),
    "bool-tag": (BASE_SPEC + 'seed: !!bool "1.0"\n', "as a boolean"),
    "float-tag": (BASE_SPEC + "seed: !!float cnn\n", "as a number"),
    "int-tag": (BASE_SPEC + "seed: !!int abc\n", "as an integer"),
    "timestamp-tag": (BASE_SPEC + "seed: !!timestamp yesterday\n", "as a date"),
    "deep-nesting": (BASE_SPEC + "extra: " + "[" * 600 + "]" * 600 + "\n", "64 levels"),
    "billion-laughs": (_laughs(), "expand to more than 100,000 values"),
    "merge-bomb": (_merge_bomb(), "expand to more than 100,000 values"),
    "arabic-digit": (_budget('"\u0663M"'), "non-ASCII digit"),
    "fullwidth-digit": (_budget('"\uff18M"'), "non-ASCII digit"),
    "huge-number": (_budget('"1e400"'), "out of range"),
    "huge-file": (BASE_SPEC + "# " + "x" * 200_000 + "\n", "bytes long"),
}
# `plan` reads specs with the same loader; the costliest refusals are checked there too.
PLAN_REPRODUCERS = ["billion-laughs", "deep-nesting", "nul-byte"]


# Linux counts the pages a forked child shares with its parent in the child's peak RSS, so a
# child of this test process (large once torch is imported) would report this process's size.
# A small launcher forks the command instead, and reports the command's own peak and time.
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.monotonic()
done = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
seconds = time.monotonic() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as report:
    json.dump({"code": done.returncode, "seconds": seconds, "rss_mb": peak_kb / 1024}, report)
sys.stderr.write(done.stderr.decode("utf-8", "replace"))
"""


@dataclass
class Run:
    code: int
    stderr: str
    seconds: float
    rss_mb: float


def run_metagen(*args: str | Path, cwd: Path) -> Run:
    """Run the installed `metagen` on this checkout's source, timing it and taking its peak
    memory; a hang past 60 s fails the test instead of stalling the suite."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    report = cwd.parent / "measure.json"
    launched = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(report), str(METAGEN), *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert report.exists(), launched.stderr
    measured = json.loads(report.read_text(encoding="utf-8"))
    return Run(measured["code"], launched.stderr, measured["seconds"], measured["rss_mb"])


def _refused_cleanly(command: str, name: str, tmp_path: Path) -> None:
    text, words = REPRODUCERS[name]
    work = tmp_path / "work"
    work.mkdir()
    spec = work / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    run = run_metagen(command, spec, cwd=work)
    assert run.code == 2, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    [message] = [line for line in run.stderr.splitlines() if line.strip()]
    assert message.startswith(f"error: {spec}"), message
    assert words in message, message
    assert run.seconds < MAX_SECONDS, f"{run.seconds:.1f} s"
    assert run.rss_mb < MAX_RSS_MB, f"{run.rss_mb:.0f} MB"
    assert sorted(p.name for p in work.iterdir()) == ["spec.yaml"], "wrote something"


@pytest.mark.timed
@pytest.mark.parametrize("name", REPRODUCERS)
def test_validate_refuses_hostile_yaml_quickly(name, tmp_path):
    _refused_cleanly("validate", name, tmp_path)


@pytest.mark.timed
@pytest.mark.parametrize("name", PLAN_REPRODUCERS)
def test_plan_refuses_hostile_yaml_quickly(name, tmp_path):
    _refused_cleanly("plan", name, tmp_path)


# Feasibility: validate says what plan says -------------------------------------------------

TINY_BUDGET = replace_line(BASE_SPEC, 'max: "2M"', '    max: "20k"')


def _unplannable(tmp_path: Path) -> dict[str, Path]:
    specs = {"impossible-budget": write_spec(tmp_path, TINY_BUDGET, "tiny.yaml")}
    specs.update({path.stem: path for path in NOT_BUILT_SPECS})
    return specs


@pytest.mark.parametrize("case", ["impossible-budget", *[p.stem for p in NOT_BUILT_SPECS]])
def test_validate_refuses_what_plan_refuses_with_the_same_message(case, tmp_path):
    spec = _unplannable(tmp_path)[case]
    from_validate = error_paragraph(invoke("validate", spec))
    assert from_validate == error_paragraph(invoke("plan", spec))
    assert "at least" in from_validate or "not built yet" in from_validate, from_validate


@pytest.mark.parametrize("case", ["impossible-budget", *[p.stem for p in NOT_BUILT_SPECS]])
def test_schema_only_accepts_a_spec_the_planner_refuses(case, tmp_path):
    spec = _unplannable(tmp_path)[case]
    result = invoke("validate", "--schema-only", spec)
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout


def test_validate_shows_the_planners_warnings(tmp_path):
    # 1 MB cannot hold the AdamW state of a 2M-parameter model: plan warns, so does validate.
    text = replace_line(
        BASE_SPEC, "context_window: 256", '  context_window: 256\n  memory_budget: "1MB"'
    )
    spec = write_spec(tmp_path, text)
    result = invoke("validate", spec)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any("memory_budget" in w and "AdamW" in w for w in warnings), result.stderr
    assert not any(
        "memory_budget" in w for w in invoke("validate", "--schema-only", spec).stderr.splitlines()
    )
    plan = invoke("plan", spec, "--json")
    assert plan.exit_code == 0
    assert re.search(r"Training with AdamW needs .* memory_budget", plan.stdout)
