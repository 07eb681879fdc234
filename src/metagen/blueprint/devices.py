"""The device classes a spec may name, each as one representative device with its stated
numbers: peak dense throughput per precision, memory bandwidth and usable memory, from the
vendor's datasheet (docs/devices.md gives the sources), and the two factors the latency
estimate needs beside them: the share of peak that batch-1 layers reach, and the time each
kernel costs to launch.

`cpu` is the machine that runs metagen: `metagen calibrate` (or `plan --measure`) measures it
and keeps the numbers in the cache; until then a stated reference core stands in, and the
plan says which. Pure Python: `metagen plan` reads these without torch.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

GB = 10**9
GIB = 1024**3
TERA = 10**12


@dataclass(frozen=True)
class Device:
    name: str  # the spec's device class
    representative: str  # the device whose numbers stand for the class
    # peak dense throughput in FLOP/s (ops/s for int8), per precision the device runs
    peak: dict[str, float]
    bandwidth: float  # memory bandwidth, bytes/s
    memory: int  # usable memory, bytes
    precision: str  # what a batch-1 inference runs in on it
    # the share of peak compute and of peak bandwidth that batch-1 layers reach
    compute_efficiency: float
    memory_efficiency: float
    kernel_overhead: float  # seconds each kernel costs beside its work (launch, dispatch)
    source: str  # where the numbers come from
    # how the efficiency and overhead were set: stated assumptions, or measured here
    basis: str = "assumed"
    measured: dict[str, Any] = field(default_factory=dict)

    @property
    def bytes_per_element(self) -> int:
        return {"fp32": 4, "bf16": 2, "fp16": 2, "int8": 1}[self.precision]

    @property
    def effective_flops(self) -> float:
        return self.peak[self.precision] * self.compute_efficiency

    @property
    def effective_bandwidth(self) -> float:
        return self.bandwidth * self.memory_efficiency


# A GPU at batch 1 reaches a fraction of its tensor-core peak: the matrices are thin. The
# eager launch overhead is what PyTorch pays per kernel on a fast host; an edge or mobile
# host CPU is slower at it. These are assumptions until measured on the device itself.
GPU_COMPUTE_EFFICIENCY = 0.3
GPU_MEMORY_EFFICIENCY = 0.7

DEVICES: dict[str, Device] = {
    "edge": Device(
        name="edge",
        representative="NVIDIA Jetson Orin Nano 8GB module (Ampere GPU, 1024 CUDA cores, "
        "32 tensor cores at 625 MHz)",
        # 40 TOPS is the datasheet's sparse INT8 figure: dense INT8 is half, dense FP16 a quarter
        peak={"int8": 20 * TERA, "fp16": 10 * TERA, "bf16": 10 * TERA, "fp32": 1.28 * TERA},
        bandwidth=68 * GB,
        memory=8 * GB,
        precision="fp16",
        compute_efficiency=GPU_COMPUTE_EFFICIENCY,
        memory_efficiency=GPU_MEMORY_EFFICIENCY,
        kernel_overhead=20e-6,
        source="NVIDIA Jetson Orin Nano Series Data Sheet (DS-11105): 40 sparse INT8 TOPS, "
        "1024 CUDA cores at 625 MHz, 8 GB 128-bit LPDDR5 at 68 GB/s",
    ),
    "mobile": Device(
        name="mobile",
        representative="Apple A17 Pro (iPhone 15 Pro): 16-core Neural Engine, 8 GB LPDDR5",
        # Apple states 35 TOPS without a precision: taken as INT8, FP16 at half
        peak={"int8": 35 * TERA, "fp16": 17.5 * TERA, "bf16": 17.5 * TERA},
        bandwidth=51.2 * GB,
        memory=4 * GIB,
        precision="fp16",
        compute_efficiency=0.2,
        memory_efficiency=GPU_MEMORY_EFFICIENCY,
        kernel_overhead=10e-6,
        source="Apple A17 Pro announcement (September 2023): 35 trillion operations per "
        "second; LPDDR5-6400 on a 64-bit bus gives 51.2 GB/s; an app gets about half the "
        "8 GB",
    ),
    "consumer_gpu": Device(
        name="consumer_gpu",
        representative="NVIDIA GeForce RTX 4090 (Ada, 24 GB GDDR6X)",
        peak={
            "int8": 660.6 * TERA,
            "fp16": 165.2 * TERA,
            "bf16": 165.2 * TERA,
            "fp32": 82.6 * TERA,
        },
        bandwidth=1008 * GB,
        memory=24 * GIB,
        precision="bf16",
        compute_efficiency=GPU_COMPUTE_EFFICIENCY,
        memory_efficiency=GPU_MEMORY_EFFICIENCY,
        kernel_overhead=5e-6,
        source="NVIDIA Ada GPU Architecture whitepaper, RTX 4090: 82.6 TFLOPS FP32, 165.2 "
        "dense FP16/BF16 tensor TFLOPS (FP32 accumulate), 660.6 dense INT8 TOPS, 1008 GB/s",
    ),
    "datacenter_gpu": Device(
        name="datacenter_gpu",
        representative="NVIDIA H100 SXM5 80GB (Hopper, HBM3)",
        peak={"int8": 1979 * TERA, "fp16": 989.4 * TERA, "bf16": 989.4 * TERA, "fp32": 66.9 * TERA},
        bandwidth=3350 * GB,
        memory=80 * GIB,
        precision="bf16",
        compute_efficiency=GPU_COMPUTE_EFFICIENCY,
        memory_efficiency=GPU_MEMORY_EFFICIENCY,
        kernel_overhead=5e-6,
        source="NVIDIA H100 Tensor Core GPU datasheet, SXM5: 67 TFLOPS FP32, 1979 BF16 "
        "TFLOPS and 3958 INT8 TOPS with sparsity (half dense), 80 GB HBM3 at 3.35 TB/s",
    ),
    "tpu": Device(
        name="tpu",
        representative="Google Cloud TPU v5e (one chip, 16 GB HBM2)",
        peak={"int8": 394 * TERA, "bf16": 197 * TERA, "fp16": 197 * TERA},
        bandwidth=819 * GB,
        memory=16 * GIB,
        precision="bf16",
        compute_efficiency=GPU_COMPUTE_EFFICIENCY,
        memory_efficiency=GPU_MEMORY_EFFICIENCY,
        kernel_overhead=5e-6,
        source="Google Cloud TPU v5e documentation: 197 TFLOPS BF16, 394 TOPS INT8, 16 GB "
        "HBM2 at 819 GB/s per chip",
    ),
}

# Until this machine is calibrated: one core of a current server CPU with AVX-512 (two FMA
# units of 16 fp32 lanes at 3 GHz), and PyTorch's eager dispatch on it.
REFERENCE_CPU = Device(
    name="cpu",
    representative="reference core: one x86 core with AVX-512 at 3 GHz (not this machine: "
    "run `metagen calibrate`)",
    peak={"fp32": 192 * GB},
    bandwidth=20 * GB,
    memory=16 * GIB,
    precision="fp32",
    compute_efficiency=0.25,
    memory_efficiency=1.0,
    kernel_overhead=8e-6,
    source="2 FMA units x 16 fp32 lanes x 2 FLOPs x 3 GHz = 192 GFLOP/s per core; 20 GB/s per core",
)

CALIBRATION_FILE = "cpu_calibration.json"


def cache_dir() -> Path:
    """$METAGEN_CACHE_DIR, else ~/.cache/metagen."""
    return Path(os.environ.get("METAGEN_CACHE_DIR") or Path.home() / ".cache" / "metagen")


def calibration_path() -> Path:
    """$METAGEN_CPU_CALIBRATION, else cpu_calibration.json in the cache folder."""
    return Path(os.environ.get("METAGEN_CPU_CALIBRATION") or cache_dir() / CALIBRATION_FILE)


def calibrated_cpu() -> Device | None:
    """This machine's cpu Device from `metagen calibrate`, or None before it ran (or when its
    file does not hold one)."""
    try:
        data = json.loads(calibration_path().read_text(encoding="utf-8"))
        return Device(**{**data, "peak": dict(data["peak"])})
    except (OSError, ValueError, TypeError, KeyError):
        return None


def save_calibration(device: Device) -> Path:
    """Keep `device` as this machine's cpu; written whole, then moved into place."""
    path = calibration_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(device), indent=2) + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def device_named(name: str) -> Device:
    """The Device of a spec's device class; `cpu` is this machine once calibrated."""
    if name == "cpu":
        return calibrated_cpu() or REFERENCE_CPU
    return DEVICES[name]


# Usable memory of each class, for the "will it fit" check (blueprint/memory.py).
DEVICE_MEMORY = {name: device.memory for name, device in {**DEVICES, "cpu": REFERENCE_CPU}.items()}
