"""The generated infer.py of a captioning VLM (issue 16): a row per picture with the caption
the model writes, after --prompt; sampled captions come from each picture's own seed, so a
picture gets the same caption alone or in a batch; an unreadable picture is one line, exit 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from tests.paths import EXAMPLES
from tests.predict.inputs.vlm import write_inputs
from tests.predict.trained_runs import briefly_trained, run_infer


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return briefly_trained(EXAMPLES / "multimodal" / "small_vlm.yaml", tmp_path_factory.mktemp("v"))


def infer(run: Path, *args: str) -> subprocess.CompletedProcess:
    return run_infer(run, "--max-new-tokens", "8", *args)


def captions(out: Path) -> dict[str, str]:
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {row["input"]: row["caption"] for row in rows}


def test_a_sampled_caption_is_the_same_alone_or_in_a_batch(run, tmp_path) -> None:
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    count = write_inputs(run, pictures, 3)
    sampling = ["--temperature", "1.0", "--seed", "7", "--prompt", "a "]
    together, alone = tmp_path / "together.jsonl", tmp_path / "alone.jsonl"
    done = infer(run, str(pictures), "--out", str(together), *sampling)
    assert done.returncode == 0, done.stderr
    done = infer(run, str(pictures), "--out", str(alone), "--batch-size", "1", *sampling)
    assert done.returncode == 0, done.stderr
    written = captions(together)
    assert sorted(written) == sorted(str(p) for p in pictures.glob("*.png")) and count == 3
    assert all(caption.startswith("a ") for caption in written.values())
    assert written == captions(alone)


def test_an_unreadable_picture_is_one_line_naming_it(run, tmp_path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    out = tmp_path / "out.jsonl"
    done = infer(run, str(broken), "--out", str(out))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert str(broken) in line and "delete or replace" in line
    assert not out.exists()
