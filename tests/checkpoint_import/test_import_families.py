"""`metagen import` for every family it reads: a transformers model (small config, seeded
random weights, saved with save_pretrained) becomes a run directory whose generated model.py,
loaded with weights/model.safetensors, gives the reference's outputs within 1e-5 (float32)."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest
import torch
from tests.archs import hf_reference as ref
from tests.archs.hf_reference import ATOL, max_difference, transformers
from tests.cli.helpers import invoke

from metagen.checkpoint_import.families import BY_CLASS


def _decoder_config(kind: str):
    common = {
        "vocab_size": ref.VOCAB,
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 32,
    }
    if kind == "llama":
        scaling = {
            "rope_type": "llama3",
            "factor": 8.0,
            "low_freq_factor": 1.0,
            "high_freq_factor": 4.0,
            "original_max_position_embeddings": 8,
        }
        return transformers.LlamaForCausalLM(
            transformers.LlamaConfig(**common, rope_scaling=scaling)
        )
    if kind == "mistral":
        return transformers.MistralForCausalLM(
            transformers.MistralConfig(**common, sliding_window=6)
        )
    return transformers.Qwen2ForCausalLM(
        transformers.Qwen2Config(**common, tie_word_embeddings=True)
    )


def _whisper():
    config = transformers.WhisperConfig(
        vocab_size=ref.VOCAB,
        num_mel_bins=80,
        d_model=32,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_source_positions=16,
        max_target_positions=16,
        decoder_start_token_id=1,
        eos_token_id=2,
        pad_token_id=2,
        bos_token_id=1,
    )
    return transformers.WhisperForConditionalGeneration(config)


def _resnet():
    config = transformers.ResNetConfig(
        embedding_size=8,
        hidden_sizes=[32, 64, 128, 256],
        depths=[1, 1, 1, 1],
        layer_type="bottleneck",
        num_labels=4,
    )
    return transformers.ResNetForImageClassification(config)


def _ids(batch=2, length=12):
    return ref.token_ids(batch, length)


def _lm(model, hf):
    ids = _ids()
    return model(input_ids=ids), hf(ids).logits


def _mel():
    return torch.randn(2, 80, 32, generator=torch.Generator().manual_seed(3))


# HF class -> (build the reference, (ours, reference) -> (our output, its output))
FAMILIES = {
    "GPT2LMHeadModel": (ref.gpt2, _lm),
    "LlamaForCausalLM": (lambda: _decoder_config("llama"), _lm),
    "MistralForCausalLM": (lambda: _decoder_config("mistral"), _lm),
    "Qwen2ForCausalLM": (lambda: _decoder_config("qwen2"), _lm),
    "BertForMaskedLM": (
        lambda: transformers.BertForMaskedLM(ref.bert_config()),
        lambda m, hf: (m(input_ids=_ids()), hf(input_ids=_ids()).logits),
    ),
    "BertForSequenceClassification": (
        lambda: transformers.BertForSequenceClassification(ref.bert_config(num_labels=3)),
        lambda m, hf: (m(input_ids=_ids()), hf(input_ids=_ids()).logits),
    ),
    "ViTForImageClassification": (
        ref.vit,
        lambda m, hf: (m(images=ref.images(2)), hf(pixel_values=ref.images(2)).logits),
    ),
    "ResNetForImageClassification": (
        _resnet,
        lambda m, hf: (m(images=ref.images(2)), hf(pixel_values=ref.images(2)).logits),
    ),
    "CLIPModel": (
        lambda: transformers.CLIPModel(ref.clip_config()),
        lambda m, hf: (
            m(images=ref.images(3), input_ids=_caption_ids()),
            hf(input_ids=_caption_ids(), pixel_values=ref.images(3)).logits_per_image,
        ),
    ),
    "SegformerForSemanticSegmentation": (
        ref.segformer,
        lambda m, hf: (m(images=ref.images(2)), ref.segformer_logits(hf, ref.images(2))),
    ),
    "WhisperForConditionalGeneration": (
        _whisper,
        lambda m, hf: (
            m.forward_head(m.decode(_ids(2, 6), m.audio_kvs(m.encode_mel(_mel())))),
            hf(input_features=_mel(), decoder_input_ids=_ids(2, 6)).logits,
        ),
    ),
}


def _caption_ids():
    ids = ref.token_ids(3, ref.TEXT_LEN)
    for row, end in enumerate((5, 11, ref.TEXT_LEN - 1)):
        ids[row, end] = ref.VOCAB - 1
        ids[row, end + 1 :] = 1
    return ids


def test_every_family_the_import_reads_is_tested_here():
    assert set(FAMILIES) <= set(BY_CLASS)
    tested_families = {BY_CLASS[name].mapping for name in FAMILIES}
    assert tested_families == {family.mapping for family in BY_CLASS.values()}


def generated_model(run_dir, tag: str):
    """The run's code/model.py, built at full scale and loaded with weights/."""
    from safetensors.torch import load_model

    spec = importlib.util.spec_from_file_location(f"imported_{tag}", run_dir / "code" / "model.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    model = module.build_model("full")
    missing, unexpected = load_model(model, run_dir / "weights" / "model.safetensors", strict=False)
    notes = json.loads((run_dir / "weights" / "import.json").read_text(encoding="utf-8"))
    assert not unexpected
    assert sorted(missing) == notes["fresh"]
    return model.eval()


@pytest.mark.parametrize("hf_class", sorted(FAMILIES))
def test_the_imported_run_computes_the_checkpoints_function(tmp_path, hf_class):
    build, run = FAMILIES[hf_class]
    torch.manual_seed(0)
    hf = ref.randomized(build(), std=0.2)
    hf.save_pretrained(tmp_path / "checkpoint")
    result = invoke("import", tmp_path / "checkpoint", "--out", tmp_path / "runs", "--run-id", "r")
    assert result.exit_code == 0, result.output
    model = generated_model(tmp_path / "runs" / "r", hf_class)
    with torch.no_grad():
        ours, theirs = run(model, hf)
    assert max_difference(ours, theirs) <= ATOL


def test_a_torchvision_resnet_state_dict_imports_without_a_config(tmp_path):
    """A .pth of torchvision's layout (no config.json): the dims come off the tensor shapes.
    The file is written from a MetaGen resnet through the mapping's own torchvision names,
    whose correctness tests/archs/resnet checks against torchvision's forward."""
    from metagen.archs.build import build_from_dims
    from metagen.archs.resnet.hf_weights import _torchvision_name

    dims = {
        "block": "basic",
        "layers": [1, 2, 1, 1],
        "width": 8,
        "in_channels": 3,
        "num_classes": 6,
        "stem": "imagenet",
        "image_size": 32,
    }
    torch.manual_seed(0)
    source = build_from_dims("resnet", dims).eval()
    state = {_torchvision_name(k): v for k, v in source.state_dict().items()}
    torch.save(state, tmp_path / "resnet_tv.pth")
    result = invoke("import", tmp_path / "resnet_tv.pth", "--out", tmp_path / "runs")
    assert result.exit_code == 0, result.output
    (run_dir,) = (tmp_path / "runs").iterdir()
    assert run_dir.name.startswith("resnet_tv-")
    model = generated_model(run_dir, "torchvision")
    with torch.no_grad():
        assert max_difference(model(images=ref.images(2)), source(images=ref.images(2))) == 0


def _timm_names(hf_state: dict, layers: int) -> dict:
    """A ViTForImageClassification state_dict under timm's VisionTransformer names (as timm's
    vision_transformer.py lays them out: fused qkv, attn.proj, mlp.fc1/fc2, norm, head)."""
    outer = {
        "patch_embed.proj.weight": "vit.embeddings.patch_embeddings.projection.weight",
        "patch_embed.proj.bias": "vit.embeddings.patch_embeddings.projection.bias",
        "cls_token": "vit.embeddings.cls_token",
        "pos_embed": "vit.embeddings.position_embeddings",
        "norm.weight": "vit.layernorm.weight",
        "norm.bias": "vit.layernorm.bias",
        "head.weight": "classifier.weight",
        "head.bias": "classifier.bias",
    }
    timm = {ours: hf_state[theirs] for ours, theirs in outer.items()}
    for i in range(layers):
        hf = f"vit.encoder.layer.{i}."
        block = {
            "norm1": "layernorm_before",
            "norm2": "layernorm_after",
            "attn.proj": "attention.output.dense",
            "mlp.fc1": "intermediate.dense",
            "mlp.fc2": "output.dense",
        }
        for timm_name, hf_name in block.items():
            for kind in ("weight", "bias"):
                timm[f"blocks.{i}.{timm_name}.{kind}"] = hf_state[f"{hf}{hf_name}.{kind}"]
        for kind in ("weight", "bias"):
            parts = [
                hf_state[f"{hf}attention.attention.{p}.{kind}"] for p in ("query", "key", "value")
            ]
            timm[f"blocks.{i}.attn.qkv.{kind}"] = torch.cat(parts)
    return timm


def test_a_timm_vit_state_dict_imports_with_its_variant(tmp_path):
    config = transformers.ViTConfig(
        image_size=224,
        patch_size=16,
        hidden_size=192,
        num_hidden_layers=12,
        num_attention_heads=3,
        intermediate_size=768,
        num_labels=7,
        layer_norm_eps=1e-6,
    )
    torch.manual_seed(0)
    hf = ref.randomized(transformers.ViTForImageClassification(config), std=0.1)
    saved = ref.saved(hf, tmp_path / "hf").tensors  # the names files hold
    torch.save(_timm_names(saved, 12), tmp_path / "vit_tiny.pth")
    message = invoke("import", tmp_path / "vit_tiny.pth", "--out", tmp_path / "runs").stderr
    assert "--variant" in message and "vit_ti_16" in message  # the head count is not in it
    result = invoke(
        "import",
        tmp_path / "vit_tiny.pth",
        "--out",
        tmp_path / "runs",
        "--run-id",
        "vit",
        "--variant",
        "vit_ti_16",
    )
    assert result.exit_code == 0, result.output
    model = generated_model(tmp_path / "runs" / "vit", "timm_vit")
    assert model.config.num_classes == 7  # the file's head, not the variant's 1,000
    pixels = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert max_difference(model(images=pixels), hf(pixel_values=pixels).logits) <= ATOL
