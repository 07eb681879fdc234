"""The generated infer.py of an image-to-code model (issue 16): a row per picture with the
code the model writes (greedy decoding by default, which takes a batch at once), the same
for a picture whether it comes alone or with others."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from tests.paths import EXAMPLES
from tests.predict.inputs.image_to_code import write_inputs
from tests.predict.trained_runs import briefly_trained, run_infer


def infer(run: Path, *args: str) -> subprocess.CompletedProcess:
    return run_infer(run, "--max-new-tokens", "12", *args)


def written(out: Path) -> dict[str, str]:
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {row["input"]: row["code"] for row in rows}


@pytest.mark.slow  # trains the three stages a step each, then writes code twice
def test_each_picture_gets_its_code_alone_or_in_a_batch(tmp_path) -> None:
    run = briefly_trained(EXAMPLES / "multimodal" / "image_to_code.yaml", tmp_path / "runs")
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    write_inputs(run, pictures, 3)
    listed = tmp_path / "pictures.csv"  # a CSV naming the pictures, read from beside it
    listed.write_text("path\n" + "".join(f"pictures/{p.name}\n" for p in
                                         sorted(pictures.iterdir())), encoding="utf-8")  # fmt: skip
    together, alone = tmp_path / "together.jsonl", tmp_path / "alone.jsonl"
    done = infer(run, str(listed), "--out", str(together))
    assert done.returncode == 0, done.stderr
    done = infer(run, str(pictures), "--out", str(alone), "--batch-size", "1")
    assert done.returncode == 0, done.stderr
    in_batch, by_itself = written(together), written(alone)
    assert sorted(in_batch) == sorted(by_itself) == sorted(str(p) for p in pictures.iterdir())
    # a token is a byte, so --max-new-tokens bytes decode to that many characters at most
    assert all(isinstance(code, str) and len(code) <= 12 for code in in_batch.values())
    assert in_batch == by_itself
