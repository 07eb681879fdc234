"""A generated text package reads its text through a tokenizer: `tokenizers` is a requirement
of exactly the packages that can read a tokenizer.json; train.py trains a BPE (`tokenizer:
bpe`) or takes a user's or an imported tokenizer.json, saves it as OUT/tokenizer.json, and
evaluate.py and infer.py read that one; a tokenizer larger than the embedding stops before
training."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from tests.paths import EXAMPLE_SPECS, EXAMPLES, spec_id

from metagen.data.synthetic_text import make_synthetic_text
from metagen.data.text_tokenizer import train_bpe
from metagen.spec import load_spec, parse_spec_text
from metagen.synthesis import run_files, synthesize

BPE_LM = """
name: bpe_lm
modality:
  inputs: [text]
  outputs: [text]
  text: {tokenizer: bpe, vocab_size: 2000}
constraints: {parameter_budget: {max: "10M"}, context_window: 1024}
training: {objective: [autoregressive]}
"""


@cache
def requirements(spec_path: Path) -> list[str]:
    files = run_files(load_spec(spec_path), None)
    return [line.split(">=")[0] for line in files["code/requirements.txt"].splitlines()]


@pytest.mark.parametrize("spec_path", EXAMPLE_SPECS, ids=spec_id)
def test_tokenizers_is_required_by_exactly_the_packages_that_read_text(spec_path):
    files = run_files(load_spec(spec_path), None)
    data = json.loads(files["code/config.json"])["scales"]["full"]["data"]
    reads_text = data.get("kind") == "text"  # language models and text records
    assert ("tokenizers" in requirements(spec_path)) == reads_text
    assert ("--tokenizer" in files["code/train.py"]) == reads_text


def run(code: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=code, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    """A BPE language model's run directory and a small folder of the user's text."""
    root = tmp_path_factory.mktemp("bpe_lm")
    run_dir = synthesize(parse_spec_text(BPE_LM, source="bpe_lm.yaml"), root, "run")
    texts = root / "texts"
    texts.mkdir()
    text = make_synthetic_text(60_000, 5)
    (texts / "a.txt").write_text(text[:30_000], encoding="utf-8")
    (texts / "b.md").write_text(text[30_000:], encoding="utf-8")
    return run_dir, texts


def test_a_users_tokenizer_is_read_saved_and_read_back_by_infer(package, tmp_path):
    run_dir, texts = package
    mine = train_bpe([make_synthetic_text(5_000, 1)], 300)
    mine.save(tmp_path / "mine.json")
    out = tmp_path / "out"
    args = ["--scale", "smoke", "--steps", "2", "--batch-size", "4", "--no-progress"]
    result = run(run_dir / "code", "train.py", *args, "--data", str(texts),
                 "--tokenizer", str(tmp_path / "mine.json"), "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    saved = json.loads((out / "tokenizer.json").read_text(encoding="utf-8"))
    assert saved == json.loads(mine.tokenizer.to_str())  # the given one, not a new BPE
    info = json.loads((out / "data_info.json").read_text(encoding="utf-8"))
    assert (info["tokenizer"], info["vocab_size"], info["tokenizer_file"]) == (
        "bpe",
        mine.vocab_size,
        "tokenizer.json",
    )
    result = run(run_dir / "code", "infer.py", "--checkpoint", str(out), "--prompt", "the cat",
                 "--max-new-tokens", "5", "--temperature", "0")  # fmt: skip
    assert result.returncode == 0 and result.stdout.startswith("the cat"), result.stderr
    (out / "tokenizer.json").unlink()
    for script in (["infer.py", "--prompt", "x"], ["evaluate.py"]):
        result = run(run_dir / "code", script[0], "--checkpoint", str(out), *script[1:])
        assert result.returncode == 2 and "tokenizer.json does not exist" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_tokenizer_larger_than_the_embedding_stops_before_training(package, tmp_path):
    run_dir, texts = package
    big = train_bpe([make_synthetic_text(200_000, 2)], 500)
    big.save(tmp_path / "big.json")
    out = tmp_path / "out"
    result = run(run_dir / "code", "train.py", "--scale", "smoke", "--data", str(texts),
                 "--tokenizer", str(tmp_path / "big.json"), "--out", str(out))  # fmt: skip
    assert result.returncode == 2 and not out.exists()
    assert f"has {big.vocab_size} ids, more than the model's 320 embedding rows" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def imported_run(run_dir: Path, folder: Path, extra_tokens: int) -> Path:
    """The run directory as `metagen import` lays it out: code/ beside weights/, whose
    tokenizer.json has `extra_tokens` added to a small BPE (a size the test recognizes)."""
    shutil.copytree(run_dir / "code", folder / "code")
    (folder / "weights").mkdir()
    tokenizer = train_bpe([make_synthetic_text(20_000, 3)], 300)
    tokenizer.tokenizer.add_tokens([f"word{i}" for i in range(extra_tokens)])
    tokenizer.save(folder / "weights" / "tokenizer.json")
    return folder / "code"


def test_the_run_directorys_imported_tokenizer_is_read_at_full_scale(package, tmp_path):
    run_dir, texts = package
    code = imported_run(run_dir, tmp_path / "imported", 2_500)  # over the 2,000-row embedding
    result = run(code, "train.py", "--data", str(texts), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and not (tmp_path / "out").exists()
    assert "has 2800 ids, more than the model's 2000 embedding rows" in result.stderr
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    result = run(code, "train.py", "--scale", "smoke",
                 "--tokenizer", str(tmp_path / "broken.json"), "--out", str(tmp_path / "o"))  # fmt: skip
    assert result.returncode == 2 and "broken.json is not a tokenizer.json" in result.stderr


@pytest.mark.slow
def test_a_trained_bpe_model_beats_the_unigram_baseline_in_bits_per_byte(package, tmp_path):
    run_dir, texts = package
    # the smoke scale trains its own BPE, as it trains its own weights, in an imported run too
    code = imported_run(run_dir, tmp_path / "imported", 2_500)
    out = tmp_path / "out"
    result = run(code, "train.py", "--scale", "smoke", "--steps", "40", "--data", str(texts),
                 "--out", str(out), "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    info = json.loads((out / "data_info.json").read_text(encoding="utf-8"))
    assert info["tokenizer"] == "bpe" and info["vocab_size"] == 320  # the smoke model's
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["eval"]
    # measured (CPU, seed 0, 40 steps): loss 1.80 nats against 4.14, 1.64 bits per byte
    # against 3.77; 1.58 bytes per token
    assert metrics["loss"] < 0.7 * metrics["unigram_entropy_nats"]
    assert metrics["bits_per_byte"] < 0.7 * metrics["unigram_bits_per_byte"]
    assert metrics["num_bytes"] > 1.3 * metrics["num_tokens"]
    result = run(code, "evaluate.py", "--checkpoint", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    again = json.loads((out / "eval" / "metrics.json").read_text(encoding="utf-8"))
    assert again["bits_per_byte"] == pytest.approx(metrics["bits_per_byte"], rel=1e-5)
    result = run(code, "infer.py", "--checkpoint", str(out), "--prompt", "count 3 4",
                 "--max-new-tokens", "8", "--temperature", "0")  # fmt: skip
    assert result.returncode == 0 and result.stdout.startswith("count 3 4")


@pytest.mark.slow
def test_a_masked_lm_reads_a_bert_wordpiece_tokenizer_and_fills_its_mask(tmp_path):
    from tokenizers import BertWordPieceTokenizer

    wordpiece = BertWordPieceTokenizer()
    wordpiece.train_from_iterator(make_synthetic_text(50_000, 1).splitlines(), vocab_size=300)
    wordpiece.save(str(tmp_path / "bert.json"))
    code = synthesize(load_spec(EXAMPLES / "text" / "masked_lm.yaml"), tmp_path, "run") / "code"
    out = tmp_path / "out"
    result = run(code, "train.py", "--scale", "smoke", "--steps", "5", "--batch-size", "8",
                 "--tokenizer", str(tmp_path / "bert.json"), "--out", str(out), "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    info = json.loads((out / "data_info.json").read_text(encoding="utf-8"))
    assert (info["tokenizer"], info["mask_id"]) == ("wordpiece", wordpiece.token_to_id("[MASK]"))
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["eval"]
    assert metrics["num_masked_bytes"] > metrics["num_masked_tokens"]  # words, not bytes
    result = run(code, "infer.py", "--checkpoint", str(out), "--text", "the cat [MASK] the ball.",
                 "--top", "3")  # fmt: skip
    assert result.returncode == 0, result.stderr
    filled, candidates = result.stdout.splitlines()[:2]
    assert filled.startswith("the cat ") and "[MASK]" not in filled
    assert candidates.startswith("token 2: ") and len(candidates.split(", ")) == 3
    result = run(code, "infer.py", "--checkpoint", str(out), "--text", "no blanks")
    assert result.returncode == 2 and "no [MASK] to fill" in result.stderr
