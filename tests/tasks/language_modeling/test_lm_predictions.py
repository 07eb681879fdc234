"""What a language model's infer.py predicts (issue 16): a row per prompt of a .txt file or a
JSONL or CSV row, the prompt as written and its continuation; greedy decoding equals a plain
argmax loop over the library's model, and a sampled continuation does not depend on the
batch it was sampled in."""

from __future__ import annotations

import json
import subprocess

import pytest
import torch
from tests.paths import EXAMPLES
from tests.predict.trained_runs import briefly_trained, run_infer

from metagen.data.tokenizer import ByteTokenizer
from metagen.report.predictions import load_trained

pytestmark = pytest.mark.slow

NEW_TOKENS = 12


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return briefly_trained(EXAMPLES / "text" / "tiny_lm.yaml", tmp_path_factory.mktemp("lm"), 20)


@pytest.fixture
def prompts(tmp_path):
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "a.txt").write_text("count 3 4\n", encoding="utf-8")
    (folder / "b.jsonl").write_text('{"text": "12+7="}\n{"text": "alice: city="}\n')
    (folder / "c.csv").write_text("id,text\n7,The teacher finds\n", encoding="utf-8")
    return folder


def infer(run, *args: str) -> subprocess.CompletedProcess:
    return run_infer(run, *args, timeout=300)


def rows_of(run, tmp_path, *args: str) -> list[dict]:
    out = tmp_path / "predictions.jsonl"
    done = infer(run, *args, "--out", str(out))
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def greedy(model, prompt: str, steps: int) -> str:
    """The continuation an argmax over the whole window gives at each step (no KV cache)."""
    tokenizer, ids = ByteTokenizer(), ByteTokenizer().encode(prompt)
    with torch.no_grad():
        for _ in range(steps):
            ids.append(int(model(torch.tensor([ids]))[0, -1].argmax()))
    return tokenizer.decode(ids[len(prompt.encode("utf-8")) :])


def test_greedy_continuations_are_the_models_argmax(run, prompts, tmp_path) -> None:
    rows = rows_of(run, tmp_path, str(prompts), "--temperature", "0",
                   "--max-new-tokens", str(NEW_TOKENS))  # fmt: skip
    expected = [(prompts / "a.txt", "count 3 4"), (f"{prompts / 'b.jsonl'}:1", "12+7="),
                (f"{prompts / 'b.jsonl'}:2", "alice: city="),
                (f"{prompts / 'c.csv'}:1", "The teacher finds")]  # fmt: skip
    assert [(row["input"], row["prompt"]) for row in rows] == [(str(i), p) for i, p in expected]
    model = load_trained(run, "smoke")[0]
    for row in rows:
        assert row["continuation"] == greedy(model, row["prompt"], NEW_TOKENS), row


def test_a_sampled_continuation_is_the_same_in_any_batch(run, prompts, tmp_path) -> None:
    sampled = ("--max-new-tokens", str(NEW_TOKENS), "--temperature", "1")
    alone = rows_of(run, tmp_path, str(prompts), *sampled, "--batch-size", "1")
    together = rows_of(run, tmp_path, str(prompts), *sampled, "--batch-size", "4")
    assert alone == together
    assert rows_of(run, tmp_path, str(prompts), *sampled, "--seed", "1") != together


def test_a_row_without_text_is_refused_naming_it(run, tmp_path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"prompt": "the cat"}\n', encoding="utf-8")
    done = infer(run, str(tmp_path / "bad.jsonl"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f'error: {tmp_path / "bad.jsonl"}:1 has no "text"')
