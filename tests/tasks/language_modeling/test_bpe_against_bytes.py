"""A BPE tokenizer earns its keep on real English: trained by `metagen train` on the Python
reference's topic pages (`pydoc_data.topics`, which ship with every Python), it needs far fewer
tokens than the text has bytes, and a language model that reads its tokens predicts held-out
text in fewer bits per byte than the same model reading bytes, at equal training compute."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.e2e.runs import metagen_train, read_json

from metagen.planning import make_blueprint, plan_dict
from metagen.spec import parse_spec_text

DIMS = {"d_model": 128, "n_layers": 4, "n_heads": 4, "n_kv_heads": 4, "d_ff": 512}
BYTE_STEPS = 300


def _spec(name: str, text: dict | None, steps: int) -> dict:
    modality: dict = {"inputs": ["text"], "outputs": ["text"]}
    if text is not None:
        modality["text"] = text
    return {
        "name": name,
        "modality": modality,
        "constraints": {"context_window": 128},
        "training": {
            "steps": steps,
            "batch_size": 32,
            "learning_rate": 2e-3,
            "warmup_steps": 30,
        },
        "architecture": {"family": "transformer", "dims": DIMS},
    }


def _flops_per_sample(spec: dict) -> int:
    return plan_dict(make_blueprint(parse_spec_text(yaml.safe_dump(spec))))["flops_per_sample"]


def _train(root: Path, spec: dict, corpus: Path) -> dict:
    path = root / f"{spec['name']}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    result, _ = metagen_train(
        str(path), "--data", str(corpus), "--out", str(root / "runs"), "--run-id", spec["name"],
        timeout=1500,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return read_json(root / "runs" / spec["name"] / "train" / "full" / "metrics.json")


@pytest.mark.slow
def test_bpe_needs_fewer_tokens_and_fewer_bits_per_byte_than_bytes_at_equal_compute(tmp_path):
    topics = pytest.importorskip("pydoc_data.topics").topics
    corpus = tmp_path / "pydoc.txt"
    corpus.write_text("\n\n".join(topics[page] for page in sorted(topics)), encoding="utf-8")

    byte_spec = _spec("bytes", None, BYTE_STEPS)
    bpe_text = {"tokenizer": "bpe", "vocab_size": 1024}
    # The BPE model's output layer is wider (1,024 rows against 259): fewer steps, so that
    # both runs spend the same training FLOPs (same batch and context).
    ratio = _flops_per_sample(byte_spec) / _flops_per_sample(_spec("bpe", bpe_text, 1))
    bpe_spec = _spec("bpe", bpe_text, round(BYTE_STEPS * ratio))
    assert bpe_spec["training"]["steps"] < BYTE_STEPS

    by_bytes, by_bpe = _train(tmp_path, byte_spec, corpus), _train(tmp_path, bpe_spec, corpus)
    bytes_eval, bpe_eval = by_bytes["eval"], by_bpe["eval"]
    for name, result in (("bytes", bytes_eval), ("bpe", bpe_eval)):  # shown with pytest -s
        print(name, {k: result[k] for k in ("bits_per_byte", "unigram_bits_per_byte",
                                            "num_tokens", "num_bytes")})  # fmt: skip
    # The tokenizer: each held-out token covers more than two bytes of text.
    assert bytes_eval["num_bytes"] == bytes_eval["num_tokens"]
    assert bpe_eval["num_bytes"] > 2 * bpe_eval["num_tokens"]
    # Both models learned more than token frequencies, and the BPE one predicts the held-out
    # text in fewer bits per byte. Measured (2026-12-05, `pytest -s -m slow` on this file alone,
    # 2-core CPU, 527 s): bytes 2.003 bits/byte (unigram 4.534) over 46,592 tokens; BPE 1.763
    # bits/byte (unigram 2.817) over 16,384 tokens covering 46,518 bytes.
    for result in (bytes_eval, bpe_eval):
        assert result["bits_per_byte"] < 0.8 * result["unigram_bits_per_byte"]
    assert bpe_eval["bits_per_byte"] < bytes_eval["bits_per_byte"]
