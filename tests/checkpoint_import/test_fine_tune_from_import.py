"""Fine-tuning from imported weights: `metagen train` on an imported run starts from its
weights, and a BERT text classifier starts from an imported BERT masked LM's trunk with a
fresh head; metrics.json lists what was loaded and what started fresh."""

from __future__ import annotations

import pytest
import yaml
from tests.archs import hf_reference as ref
from tests.cli.helpers import invoke
from tests.e2e.runs import metagen_train, read_json

from metagen.spec import load_spec


def _import(tmp_path, hf, name: str):
    hf.save_pretrained(tmp_path / name)
    result = invoke("import", tmp_path / name, "--out", tmp_path / "runs", "--run-id", name)
    assert result.exit_code == 0, result.output
    return tmp_path / "runs" / name


def test_training_an_imported_run_starts_from_its_weights(tmp_path):
    # the byte tokenizer's 259 ids need that many embedding rows
    config = ref.transformers.GPT2Config(
        n_embd=32, n_layer=2, n_head=4, n_positions=24, vocab_size=300
    )
    run = _import(tmp_path, ref.randomized(ref.transformers.GPT2LMHeadModel(config)), "gpt2")
    (tmp_path / "text.txt").write_text("the cat sat on the mat. " * 400, encoding="utf-8")
    result, _ = metagen_train(str(run), "--steps", "3", "--data", str(tmp_path / "text.txt"))
    assert result.returncode == 0, result.stderr[-2000:]
    init = read_json(run / "train" / "full" / "metrics.json")["init_from"]
    assert init["from"] == str((run / "weights" / "model.safetensors").resolve())
    assert init["fresh"] == [] and init["skipped"] == []
    assert "blocks.1.mlp.in_proj.weight" in init["loaded"]


@pytest.mark.slow  # 11 s; the test above trains from imported weights by default
def test_a_text_classifier_starts_from_an_imported_masked_lm(tmp_path):
    config = ref.bert_config().to_dict() | {"vocab_size": 300}
    bert = ref.transformers.BertForMaskedLM(ref.transformers.BertConfig(**config))
    hf = ref.randomized(bert, std=0.2)
    mlm = _import(tmp_path, hf, "bert")
    trunk = load_spec(mlm / "spec_resolved.yaml").architecture.dims
    spec = {
        "name": "bert_sentiment",
        "modality": {"inputs": ["text"], "outputs": ["label"]},
        "task": {"type": "classification", "num_classes": 2},
        "architecture": {
            "family": "transformer",
            "dims": {**trunk, "pool": "cls", "num_outputs": 2},
        },
    }
    (tmp_path / "classifier.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    result, _ = metagen_train(
        str(tmp_path / "classifier.yaml"),
        "--steps",
        "3",
        "--out",
        str(tmp_path / "runs"),
        "--run-id",
        "classifier",
        "--init-from",
        str(mlm / "weights" / "model.safetensors"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    init = read_json(tmp_path / "runs" / "classifier" / "train" / "full" / "metrics.json")
    init = init["init_from"]
    assert init["fresh"] == ["head.bias", "head.weight"]
    assert init["skipped"] and all(name.startswith("mlm_head.") for name in init["skipped"])
    assert "blocks.0.attention.qkv.weight" in init["loaded"]
    assert "note: " in result.stderr and "start fresh" in result.stderr
