"""Every example's plan, config.json and state_dict keys and shapes are what they were
before the layout refactor (recorded by tests/golden/record.py), byte for byte: users' plans
do not change and their checkpoints still load."""

from __future__ import annotations

import pytest
from tests.golden.record import FILES, observe, recording_dir
from tests.paths import EXAMPLE_SPECS, spec_id


def test_every_example_is_recorded():
    missing = [spec_id(p) for p in EXAMPLE_SPECS if not recording_dir(p).is_dir()]
    assert not missing, f"no recording for {missing}; run python -m tests.golden.record"


@pytest.mark.parametrize("spec_path", EXAMPLE_SPECS, ids=spec_id)
def test_example_matches_recording(spec_path):
    now = observe(spec_path)
    folder = recording_dir(spec_path)
    for name in FILES:
        recorded = (folder / name).read_text(encoding="utf-8")
        assert now[name] == recorded, f"{spec_id(spec_path)}: {name} differs from the recording"
