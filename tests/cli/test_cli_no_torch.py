"""Fast to start: validate, plan, synth and schema never import torch (docs/internals.md).

Each command runs in a fresh interpreter through `metagen.cli.main()`, which also imports
`metagen.train_cli`, so that module must stay torch-free too.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tests.paths import EXAMPLE_SPECS

PROBE = """\
import json, sys
report, sys.argv = sys.argv[1], ["metagen", *sys.argv[2:]]
from metagen.cli import main
try:
    main()
    code = 0
except SystemExit as stop:
    code = stop.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "torchvision"))
with open(report, "w") as f:
    json.dump({"code": code, "heavy": heavy}, f)
"""

SPEC = str(EXAMPLE_SPECS[0])
# a latency target on a device: the solver sizes by the latency estimate, still without torch
LATENCY_SPEC = str(next(p for p in EXAMPLE_SPECS if p.stem == "yolo_detector"))
COMMANDS = {
    "plan-latency": ["plan", LATENCY_SPEC],
    "validate": ["validate", SPEC],
    "plan": ["plan", SPEC],
    "plan-json": ["plan", SPEC, "--json"],
    "synth": ["synth", SPEC, "--out", "{tmp}/runs", "--run-id", "r"],
    "schema": ["schema"],
    "train-bad-input": ["train", SPEC, "--scale", "huge", "--out", "{tmp}/runs"],
}
EXIT = {"train-bad-input": 2}


@pytest.mark.parametrize("command", COMMANDS)
def test_command_does_not_import_torch(command, tmp_path):
    report = tmp_path / "report.json"
    args = [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[command]]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0 and report.exists(), done.stderr
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["code"] == EXIT.get(command, 0), done.stdout + done.stderr
    assert result["heavy"] == [], f"`metagen {' '.join(args)}` imported {result['heavy'][:5]}"
