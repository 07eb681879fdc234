"""blueprint.counts against the built modules: parameters per layer and component, FLOPs
against torch's FlopCounterMode, KV-cache bytes against real cache tensors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from tests.archs.small_dims import CASE_IDS, CASES, SMALL_DIMS, unique_params_by_name
from torch.utils.flop_counter import FlopCounterMode, sdpa_flop_count

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.blueprint.counts import (
    count_flops,
    count_kv_cache_bytes,
    count_layer_params,
    count_params,
)

torch.set_num_threads(1)


def _cpu_sdpa_flops(query, key, value, *args, out_shape=None, **kwargs) -> int:
    return sdpa_flop_count(query, key, value)


def _cpu_lstm_flops(inputs, weight_ih, weight_hh, *args, out_shape=None, **kwargs) -> int:
    """One LSTM layer of the fused CPU kernel: the input and hidden matmuls at every step
    (inputs (T, B, in), weights (4h, in) and (4h, h)), as the counter sees them in a GRU."""
    return 2 * inputs[0] * inputs[1] * weight_ih[0] * (weight_ih[1] + weight_hh[1])


# On CPU, SDPA runs a fused kernel that FlopCounterMode does not know; count it with the same
# formula torch registers for the CUDA kernels (flash, efficient, cudnn). The same holds for
# the fused LSTM kernel (mkldnn), counted as its matmuls.
CPU_SDPA = {
    torch.ops.aten._scaled_dot_product_flash_attention_for_cpu: _cpu_sdpa_flops,
    torch.ops.aten.mkldnn_rnn_layer: _cpu_lstm_flops,
}


def measured_flops(model: torch.nn.Module, inputs: dict) -> int:
    with torch.no_grad(), FlopCounterMode(display=False, custom_mapping=CPU_SDPA) as counter:
        model(**inputs)
    return counter.get_total_flops()


@pytest.mark.parametrize(("arch", "dims"), CASES, ids=CASE_IDS)
def test_flops_match_flop_counter(arch, dims):
    torch.manual_seed(0)
    model = build_from_dims(arch, dims).eval()
    inputs = example_inputs_for(arch, dims, batch_size=1)
    text_archs = ("decoder_lm", "clip", "vlm")
    seq_len = inputs["input_ids"].shape[1] if arch in text_archs else None
    assert count_flops(arch, dims, seq_len=seq_len) == measured_flops(model, inputs)


@pytest.mark.parametrize("dims", SMALL_DIMS["decoder_lm"].values(), ids=SMALL_DIMS["decoder_lm"])
@pytest.mark.parametrize("seq_len", [1, 7, None])
def test_lm_flops_scale_with_seq_len(dims, seq_len):
    torch.manual_seed(0)
    model = build_from_dims("decoder_lm", dims).eval()
    t = dims["context_length"] if seq_len is None else seq_len
    inputs = {"input_ids": torch.zeros(2, t, dtype=torch.long)}
    assert 2 * count_flops("decoder_lm", dims, seq_len=seq_len) == measured_flops(model, inputs)


@pytest.mark.parametrize("image_size", [32, 57, 96])
@pytest.mark.parametrize("dims", SMALL_DIMS["resnet"].values(), ids=SMALL_DIMS["resnet"])
def test_resnet_flops_at_other_image_sizes(dims, image_size):
    model = build_from_dims("resnet", dims).eval()
    images = torch.zeros(1, dims["in_channels"], image_size, image_size)
    expected = count_flops("resnet", dims, image_size=image_size)
    assert expected == measured_flops(model, {"images": images})


@pytest.mark.parametrize(("arch", "dims"), CASES, ids=CASE_IDS)
def test_params_per_component_and_layer_match_module(arch, dims):
    model = build_from_dims(arch, dims)
    components = count_params(arch, dims)
    assert sum(components.values()) == sum(p.numel() for p in model.parameters())
    assert components == unique_params_by_name(model, components)
    layers = count_layer_params(arch, dims)
    assert sum(layers.values()) == sum(components.values())
    assert layers == unique_params_by_name(model, layers)


def test_component_names_and_order():
    lm = SMALL_DIMS["decoder_lm"]
    assert list(count_params("decoder_lm", lm["rope_swiglu_gqa"])) == [
        "token_embedding",
        "blocks",
        "final_norm",
        "lm_head",
    ]
    tied = count_params("decoder_lm", lm["learned_gelu_layernorm_bias_tied"])
    assert list(tied)[:2] == ["token_embedding", "position_embedding"]
    assert tied["lm_head"] == 0
    vit = count_params("vit", SMALL_DIMS["vit"]["cls"])
    assert list(vit) == ["patch_embedding", "blocks", "final_norm", "head"]
    resnet = count_params("resnet", SMALL_DIMS["resnet"]["basic_imagenet"])
    assert list(resnet) == ["stem", "stage1", "stage2", "stage3", "stage4", "head"]


@pytest.mark.parametrize("dims", SMALL_DIMS["decoder_lm"].values(), ids=SMALL_DIMS["decoder_lm"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_kv_cache_bytes_match_cache_tensors(dims, dtype):
    model = build_from_dims("decoder_lm", dims).to(dtype)
    caches = model.new_kv_caches(batch_size=3, max_len=dims["context_length"])
    real = sum(c.keys.nbytes + c.values.nbytes for c in caches)
    element = torch.finfo(dtype).bits // 8
    assert count_kv_cache_bytes(dims, dims["context_length"], element, batch_size=3) == real


def test_llama3_8b_kv_cache():
    dims = {"d_model": 4096, "n_heads": 32, "n_kv_heads": 8, "n_layers": 32}
    assert count_kv_cache_bytes(dims, 8192, 2) == 1024**3  # 128 KiB per token in bf16


def test_unknown_arch_and_missing_dims_are_value_errors():
    with pytest.raises(ValueError, match=r"unknown arch 'capsnet'; known: \['anomaly_autoencoder'"):
        count_params("capsnet", {})
    dims = dict(SMALL_DIMS["vit"]["cls"])
    del dims["patch_size"]
    with pytest.raises(ValueError, match=r"vit dims lack \['patch_size'\]"):
        count_params("vit", dims)
    lm = {**SMALL_DIMS["decoder_lm"]["rope_swiglu_gqa"], "norm": "batchnorm"}
    with pytest.raises(ValueError, match=r"norm must be one of \['layernorm', 'rmsnorm'\]"):
        count_params("decoder_lm", lm)
    resnet = {k: v for k, v in SMALL_DIMS["resnet"]["basic_imagenet"].items() if k != "image_size"}
    with pytest.raises(ValueError, match="image_size"):
        count_flops("resnet", resnet)
    assert count_flops("resnet", resnet, image_size=64) > 0


def test_counts_module_does_not_import_torch():
    code = (
        "import sys; import metagen.blueprint.counts; "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])),
    }
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
