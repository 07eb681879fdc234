"""train.py --init-from: the tensors that fit load, a head for other classes starts fresh,
and weights that fit nothing are refused."""

from __future__ import annotations

import pytest
import torch
from safetensors.torch import save_file, save_model

from metagen.train.checkpoint import CheckpointLoadError
from metagen.train.init_weights import init_from_weights


class Classifier(torch.nn.Module):
    def __init__(self, classes: int, tied: bool = False) -> None:
        super().__init__()
        self.embedding = torch.nn.Embedding(10, 4)
        self.trunk = torch.nn.Linear(4, 4)
        self.head = torch.nn.Linear(4, classes)
        self.out = torch.nn.Linear(4, 10, bias=False)
        if tied:
            self.out.weight = self.embedding.weight


def test_a_trunk_loads_and_a_head_for_other_classes_starts_fresh(tmp_path):
    torch.manual_seed(0)
    source = Classifier(classes=3)
    save_model(source, str(tmp_path / "w.safetensors"))
    torch.manual_seed(1)
    target = Classifier(classes=5)
    fresh_head = target.head.weight.clone()
    report = init_from_weights(target, tmp_path / "w.safetensors")
    assert torch.equal(target.trunk.weight, source.trunk.weight)
    assert torch.equal(target.head.weight, fresh_head)
    assert report["fresh"] == ["head.bias", "head.weight"]
    assert report["skipped"] == ["head.bias", "head.weight"]
    assert "trunk.weight" in report["loaded"]


def test_a_tied_tensor_saved_once_counts_as_loaded(tmp_path):
    source = Classifier(classes=3, tied=True)
    save_model(source, str(tmp_path / "w.safetensors"))  # stores the tied pair once
    target = Classifier(classes=3, tied=True)
    report = init_from_weights(target, tmp_path / "w.safetensors")
    assert report["fresh"] == []
    assert torch.equal(target.out.weight, source.embedding.weight)


def test_weights_that_fit_nothing_are_refused(tmp_path):
    save_file({"conv.weight": torch.zeros(2, 2)}, tmp_path / "w.safetensors")
    with pytest.raises(CheckpointLoadError, match="none of the 1 tensors"):
        init_from_weights(Classifier(3), tmp_path / "w.safetensors")


def test_a_damaged_file_is_named(tmp_path):
    (tmp_path / "w.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(CheckpointLoadError, match="w.safetensors"):
        init_from_weights(Classifier(3), tmp_path / "w.safetensors")


def test_a_language_model_trained_elsewhere_starts_a_vlm(tmp_path):
    """The image-to-code guide: --init-from supplies the VLM's language model from a plain
    decoder LM's weights; the image side starts fresh."""
    from metagen.archs.decoder_lm.model import DecoderLM
    from metagen.archs.vlm.model import VLM, VLMConfig

    config = VLMConfig(image_size=16, patch_size=8, vision_d_model=32, vision_n_layers=1,
                       vision_n_heads=2, vision_d_ff=64, context_length=24, d_model=32,
                       n_layers=2, n_heads=4, n_kv_heads=2, d_ff=64)  # fmt: skip
    torch.manual_seed(0)
    lm = DecoderLM(config.lm_config())
    save_model(lm, str(tmp_path / "lm.safetensors"))
    torch.manual_seed(1)
    vlm = VLM(config)
    fresh_connector = vlm.connector.in_proj.weight.clone()
    report = init_from_weights(vlm, tmp_path / "lm.safetensors")
    assert report["skipped"] == []
    assert all(name.startswith("language_model.") for name in report["loaded"])
    for name, tensor in lm.state_dict().items():
        assert torch.equal(vlm.language_model.state_dict()[name], tensor), name
    assert torch.equal(vlm.connector.in_proj.weight, fresh_connector)
    assert all(k.startswith(("vision_encoder.", "connector.")) for k in report["fresh"])
