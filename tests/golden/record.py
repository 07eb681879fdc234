"""Record what users see of every example: its `plan --json`, its `config.json` and the
state_dict (keys and shapes) of its model at both scales, as exact text.

The layout refactor (issue 9) moves code without changing any of these;
tests/golden/test_golden.py compares the recording with what the code gives now. Re-record
only for an intended, reviewed change of a plan or a model:

    .venv/bin/python -m tests.golden.record
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.paths import EXAMPLE_SPECS, EXAMPLES

RECORDING = Path(__file__).with_name("examples")
FILES = ("plan.json", "config.json", "state_dict.json")


def recording_dir(spec_path: Path) -> Path:
    return RECORDING / spec_path.relative_to(EXAMPLES).with_suffix("")


def state_dict_shapes(arch: str, dims: dict[str, Any]) -> dict[str, list[int]]:
    import torch

    from metagen.archs.build import build_from_dims

    with torch.device("meta"):
        model = build_from_dims(arch, dims)
    return {key: list(tensor.shape) for key, tensor in model.state_dict().items()}


def observe(spec_path: Path) -> dict[str, str]:
    """The text of each recorded file for one example, computed now."""
    from unittest import mock

    from metagen.codegen.package import config_json
    from metagen.planning import make_blueprint, plan_dict
    from metagen.spec import load_spec

    # The speech note says whether this machine has espeak-ng; the recording must not depend
    # on that, so it is always made as on a machine without it.
    with mock.patch("metagen.tasks.speech_recognition.handler.shutil.which", return_value=None):
        bp = make_blueprint(load_spec(spec_path), None)
    config = bp.to_config()
    state_dicts = {
        scale: state_dict_shapes(config["arch"], values["model"])
        for scale, values in config["scales"].items()
    }
    return {
        "plan.json": json.dumps(plan_dict(bp), indent=2) + "\n",  # as `metagen plan --json`
        "config.json": config_json(bp),
        "state_dict.json": json.dumps(state_dicts, indent=1) + "\n",
    }


def main() -> None:
    for spec_path in EXAMPLE_SPECS:
        folder = recording_dir(spec_path)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in observe(spec_path).items():
            (folder / name).write_text(text, encoding="utf-8")
        print(folder.relative_to(RECORDING))


if __name__ == "__main__":
    main()
