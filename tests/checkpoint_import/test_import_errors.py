"""`metagen import` refuses what it cannot reproduce with one paragraph, exit 2, and no run
directory left behind."""

from __future__ import annotations

import json

import torch
from safetensors.torch import load_file, save_file
from tests.archs import hf_reference as ref
from tests.cli.helpers import entries, error_paragraph, invoke


def _import(tmp_path, source, *extra):
    return invoke("import", source, "--out", tmp_path / "runs", "--run-id", "r", *extra)


def test_an_architecture_metagen_does_not_read_is_named(tmp_path):
    folder = tmp_path / "t5"
    folder.mkdir()
    (folder / "config.json").write_text(
        json.dumps({"architectures": ["T5ForConditionalGeneration"], "model_type": "t5"})
    )
    save_file({"shared.weight": torch.zeros(4, 2)}, folder / "model.safetensors")
    message = error_paragraph(_import(tmp_path, folder))
    assert "T5ForConditionalGeneration" in message and "GPT2LMHeadModel" in message
    assert entries(tmp_path / "runs") == []


def test_a_single_weights_file_other_than_a_torchvision_resnet_needs_its_folder(tmp_path):
    save_file({"w": torch.zeros(2)}, tmp_path / "weights.safetensors")
    message = error_paragraph(_import(tmp_path, tmp_path / "weights.safetensors"))
    assert "torchvision ResNet" in message and "config.json" in message


def test_a_missing_tensor_is_named_and_nothing_is_written(tmp_path):
    ref.gpt2().save_pretrained(tmp_path / "gpt2")
    weights = tmp_path / "gpt2" / "model.safetensors"
    tensors = load_file(weights)
    del tensors["transformer.h.1.mlp.c_fc.weight"]
    save_file(tensors, weights)
    message = error_paragraph(_import(tmp_path, tmp_path / "gpt2"))
    assert "h.1.mlp.c_fc.weight" in message and str(tmp_path / "gpt2") in message
    assert entries(tmp_path / "runs") == []


def test_a_setting_metagen_does_not_compute_is_named(tmp_path):
    ref.gpt2(activation_function="relu").save_pretrained(tmp_path / "gpt2")
    message = error_paragraph(_import(tmp_path, tmp_path / "gpt2"))
    assert "activation_function = 'relu'" in message
    assert entries(tmp_path / "runs") == []


def test_a_missing_checkpoint_and_an_existing_run(tmp_path):
    message = error_paragraph(_import(tmp_path, tmp_path / "nowhere"))
    assert "does not exist" in message
    ref.gpt2().save_pretrained(tmp_path / "gpt2")
    assert _import(tmp_path, tmp_path / "gpt2").exit_code == 0
    message = error_paragraph(_import(tmp_path, tmp_path / "gpt2"))
    assert "already exists" in message and "--force" in message
    assert _import(tmp_path, tmp_path / "gpt2", "--force").exit_code == 0
