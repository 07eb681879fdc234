"""Reading checkpoints from disk: every layout Hugging Face writes, and damaged or hostile
files refused with a message that names them."""

from __future__ import annotations

import os

import pytest
import torch

from metagen.checkpoint_import.sources import CheckpointError, read_checkpoint

transformers = pytest.importorskip("transformers")


def _tiny_gpt2():
    torch.manual_seed(0)
    config = transformers.GPT2Config(n_embd=32, n_layer=2, n_head=2, n_positions=64, vocab_size=300)
    return transformers.GPT2LMHeadModel(config)


def _reference_tensors(model) -> dict[str, torch.Tensor]:
    return {k: v for k, v in model.state_dict().items() if not k.endswith(".attn.bias")}


def _save(model, folder, layout: str) -> None:
    """Save as Hugging Face does; transformers 5 writes only safetensors, so the older
    pytorch_model.bin layout is written here as transformers 4 wrote it."""
    if layout == "pickle":
        model.config.save_pretrained(folder)
        torch.save(model.state_dict(), folder / "pytorch_model.bin")
    else:
        model.save_pretrained(folder, **({"max_shard_size": "40KB"} if layout == "sharded" else {}))


@pytest.mark.parametrize("layout", ["safetensors", "sharded", "pickle"])
def test_every_hugging_face_layout_reads_the_same_tensors(tmp_path, layout):
    model = _tiny_gpt2()
    _save(model, tmp_path, layout)
    if layout == "sharded":
        assert (tmp_path / "model.safetensors.index.json").is_file()
    checkpoint = read_checkpoint(tmp_path)
    assert checkpoint.config["model_type"] == "gpt2"
    expected = _reference_tensors(model)
    for name, tensor in expected.items():
        if name in checkpoint.tensors:  # tied lm_head.weight is saved once
            torch.testing.assert_close(checkpoint.tensors[name], tensor, rtol=0, atol=0)
    assert "transformer.h.1.mlp.c_fc.weight" in checkpoint.tensors


def test_a_single_state_dict_file_and_a_wrapped_one(tmp_path):
    state = {"fc.weight": torch.ones(2, 3), "fc.bias": torch.zeros(2)}
    torch.save(state, tmp_path / "plain.pth")
    torch.save({"state_dict": state, "epoch": 3}, tmp_path / "wrapped.pt")
    for name in ("plain.pth", "wrapped.pt"):
        tensors = read_checkpoint(tmp_path / name).tensors
        assert sorted(tensors) == ["fc.bias", "fc.weight"]


class _Planted:
    def __reduce__(self):
        return (os.system, ("touch PLANTED",))


def test_a_planted_pickle_is_refused_and_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    torch.save({"fc.weight": torch.ones(1), "x": _Planted()}, tmp_path / "evil.bin")
    with pytest.raises(CheckpointError, match="evil.bin.*refused"):
        read_checkpoint(tmp_path / "evil.bin")
    assert not (tmp_path / "PLANTED").exists()


@pytest.mark.parametrize("layout", ["safetensors", "pickle"])
def test_a_truncated_weights_file_names_the_file(tmp_path, layout):
    _save(_tiny_gpt2(), tmp_path, layout)
    weights = tmp_path / ("model.safetensors" if layout == "safetensors" else "pytorch_model.bin")
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(CheckpointError, match=str(weights)):
        read_checkpoint(tmp_path)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, "has no config.json"),
        (lambda d: (d / "config.json").write_text("{not json"), "not valid JSON"),
        (lambda d: (d / "config.json").write_text("[1, 2]"), "not a JSON object"),
        (lambda d: (d / "config.json").write_text('{"model_type": "gpt2"}'), "has no weights"),
    ],
    ids=["no-config", "bad-json", "not-object", "no-weights"],
)
def test_a_broken_folder_says_what_is_missing(tmp_path, setup, message):
    setup(tmp_path)
    with pytest.raises(CheckpointError, match=message):
        read_checkpoint(tmp_path)


def test_a_missing_path_and_a_wrong_suffix(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        read_checkpoint(tmp_path / "nowhere")
    (tmp_path / "weights.txt").write_text("hello")
    with pytest.raises(CheckpointError, match="not a weights file"):
        read_checkpoint(tmp_path / "weights.txt")
