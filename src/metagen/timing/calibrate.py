"""Calibrate the `cpu` device class on this machine: its peak, bandwidth, the share of peak
batch-1 layers reach and what each kernel costs, all measured with one thread (the setting
`plan --measure` times in).

Peak is the fastest of 20 512x512 matmuls; bandwidth the fastest of 20 64 MB copies (read
and written). The rate and the overhead are fitted to reference models of four archs
(REFERENCE_MODELS: an MLP, a ViT, a decoder LM, a ResNet; tiny ones launch-bound, medium ones
compute-bound), each timed (the median) and counted by its own costs. Their dims are fixed
here and are no example spec's.
"""

import datetime
import os
import platform
import statistics
import time
from collections.abc import Callable
from functools import partial

import numpy as np
import torch

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.blueprint.cost import total
from metagen.blueprint.counts import count_costs
from metagen.blueprint.devices import Device

VIT_TINY = {
    "image_size": 32,
    "patch_size": 8,
    "in_channels": 3,
    "d_model": 16,
    "n_layers": 2,
    "n_heads": 2,
    "d_ff": 32,
    "num_classes": 10,
    "pool": "cls",
    "norm_eps": 1e-6,
    "dropout": 0.0,
}
LM_TINY = {
    "vocab_size": 97,
    "context_length": 24,
    "d_model": 32,
    "n_layers": 2,
    "n_heads": 4,
    "n_kv_heads": 2,
    "d_ff": 48,
    "norm": "rmsnorm",
    "mlp": "swiglu",
    "position": "rope",
    "bias": False,
    "tie_embeddings": False,
    "rope_theta": 10000.0,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}
RESNET_TINY = {
    "block": "basic",
    "layers": [1, 2, 1, 1],
    "width": 8,
    "in_channels": 3,
    "num_classes": 5,
    "stem": "imagenet",
    "image_size": 64,
}
MLP_TINY = {
    "num_features": 7,
    "d_model": 32,
    "n_layers": 2,
    "d_ff": 48,
    "num_outputs": 5,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}
# Reference models of a few archs, small (launch-bound) and medium (compute-bound); not the
# dims of any example spec.
REFERENCE_MODELS = (
    ("tabular_mlp", MLP_TINY),
    ("vit", VIT_TINY),
    ("decoder_lm", LM_TINY),
    ("resnet", RESNET_TINY),
    (
        "vit",
        {**VIT_TINY, "image_size": 64, "d_model": 256, "n_layers": 4, "n_heads": 4, "d_ff": 1024},
    ),
    ("resnet", {**RESNET_TINY, "width": 32}),
)


def run_seconds(run: Callable[[], object], runs: int, warmup: int) -> list[float]:
    """The wall seconds of each of `runs` calls of `run`, after `warmup` untimed ones."""
    for _ in range(warmup):
        run()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return timings


def median_seconds(run: Callable[[], object], runs: int = 30, warmup: int = 5) -> float:
    return statistics.median(run_seconds(run, runs, warmup))


def best_seconds(run: Callable[[], object], runs: int = 20, warmup: int = 3) -> float:
    """The fastest of `runs`: what the machine can do, for a peak (a median would fold in
    whatever else ran at the time)."""
    return min(run_seconds(run, runs, warmup))


def _reference_points() -> list[tuple[int, int, float]]:
    """(kernels, FLOPs, seconds) of each reference model's batch-1 forward."""
    points = []
    for arch, dims in REFERENCE_MODELS:
        model = build_from_dims(arch, dims).eval()
        inputs = example_inputs_for(arch, dims, 1)
        seq_len = inputs["input_ids"].shape[1] if "input_ids" in inputs else None
        cost = total(count_costs(arch, dims, seq_len=seq_len))
        run = partial(model, **inputs)
        points.append((cost.kernels, cost.flops, median_seconds(run)))
    return points


def calibrate_cpu() -> Device:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.no_grad():
            a, b = torch.randn(512, 512), torch.randn(512, 512)
            peak = 2 * 512**3 / best_seconds(lambda: a @ b)
            source, target = torch.empty(16 * 1024 * 1024), torch.empty(16 * 1024 * 1024)
            bandwidth = 2 * source.nbytes / best_seconds(lambda: target.copy_(source))
            points = _reference_points()
    finally:
        torch.set_num_threads(threads)
    # time = kernels * overhead + FLOPs / rate, fitted in relative error over the points
    rows = np.array([[k / t, f / t] for k, f, t in points])
    (overhead, inverse_rate), *_ = np.linalg.lstsq(rows, np.ones(len(points)), rcond=None)
    rate = 1 / inverse_rate if inverse_rate > 0 else peak
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    today = datetime.date.today().isoformat()
    return Device(
        name="cpu",
        representative=f"this machine ({platform.machine()}, {os.cpu_count()} cores), one thread",
        peak={"fp32": peak},
        bandwidth=bandwidth,
        memory=memory,
        precision="fp32",
        compute_efficiency=float(min(1.0, rate / peak)),
        memory_efficiency=1.0,
        kernel_overhead=max(float(overhead), 0.0),
        source=f"measured by `metagen calibrate` on {today}: a 512x512 matmul, a 64 MB copy "
        "and three reference models, one thread",
        basis="calibrated",
        measured={
            "reference_models": [{"kernels": k, "flops": f, "ms": 1e3 * t} for k, f, t in points],
            "torch": torch.__version__,
        },
    )
