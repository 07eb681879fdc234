"""The latency a spec asks for, and the plan's estimate of it on the named device.

What a latency means depends on what the model does (docs/devices.md):
- frame: an image or video model, per image or video frame;
- token: a text generator, per decoded token at the spec's context (and the time to the
  first token beside it);
- audio: an audio model's real-time factor, seconds of compute per second of audio;
- sample: anything else, per sample (a row, a window, a graph).

Labels mean numbers per kind (LABEL_TARGETS); a duration is taken as given, for the figure
the kind names. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metagen.blueprint.devices import Device, device_named
from metagen.blueprint.latency import decode_step_seconds, forward_seconds, forward_times
from metagen.blueprint.sample import sample_of
from metagen.spec.units import Latency

# ms per frame, per token, per sample; a real-time factor for audio. None: no latency target.
LABEL_TARGETS: dict[str, dict[str, float] | None] = {
    "real-time": {"frame": 33.0, "token": 50.0, "sample": 33.0, "audio": 1.0},
    "interactive": {"frame": 100.0, "token": 100.0, "sample": 100.0, "audio": 0.5},
    "batch": None,
    "offline": None,
}


@dataclass(frozen=True)
class Figure:
    """The estimate a latency target bounds, for one model on one device."""

    kind: str
    ms: float  # per frame, per token, per clip (audio) or per sample
    what: str  # "per 224x224 image", ...
    rtf: float | None = None  # audio: seconds of compute per second of audio
    details: dict[str, float] = field(default_factory=dict)


def latency_kind(
    dims: dict[str, Any], data: dict[str, Any], inputs: list[str], outputs: list[str]
) -> str:
    generates = "n_kv_heads" in dims and "context_length" in dims  # a causal decoder
    if "sample_rate" in data:  # an audio model (a fusion of audio and more reads samples)
        return "audio"
    if generates and "text" in outputs:
        return "token"
    if {"image", "video"} & {*inputs, *outputs}:
        return "frame"
    return "sample"


def decode_ms(arch: str, dims: dict[str, Any], context: int, device: Device) -> float:
    return 1e3 * decode_step_seconds(arch, dims, context, device)


def latency_figure(
    arch: str, dims: dict[str, Any], data: dict[str, Any], kind: str, device: Device
) -> Figure:
    sample, text = sample_of(data, dims)
    forward_ms = 1e3 * forward_seconds(arch, dims, sample, device)
    if kind == "token":
        context = sample.get("seq_len") or dims["context_length"]
        step = decode_ms(arch, dims, context, device)
        return Figure(
            kind,
            step,
            f"per decoded token at {context:,} tokens of context",
            details={"first_token_ms": forward_ms, "tokens_per_s": 1e3 / step},
        )
    if kind == "audio":
        clip_s = data.get("clip_samples", data.get("prompt_samples", 0)) / data["sample_rate"]
        generated = "n_levels" in dims  # one token per audio sample: decode at the sample rate
        if generated:
            step = decode_ms(arch, dims, dims["context_length"], device)
            rtf = step * data["sample_rate"] / 1e3
            return Figure(
                kind,
                rtf * clip_s * 1e3,
                f"to generate {clip_s:g} s of audio ({data['sample_rate']:,} tokens a second)",
                rtf=rtf,
                details={"decode_ms_per_token": step},
            )
        rtf = forward_ms / (1e3 * clip_s)
        return Figure(kind, forward_ms, f"per {text.removeprefix('one ')}", rtf=rtf)
    if kind == "frame" and "num_frames" in data:
        frames = data["num_frames"]
        return Figure(kind, forward_ms / frames, f"per frame ({text}: {forward_ms:.3g} ms)")
    return Figure(kind, forward_ms, f"per {text.removeprefix('one ')}")


@dataclass(frozen=True)
class Target:
    limit_ms: float | None  # the figure's bound, ms; None: no latency target
    text: str

    def met(self, figure: Figure) -> bool:
        return self.limit_ms is None or figure.ms <= self.limit_ms


def latency_target(latency: Latency | None, figure: Figure) -> Target:
    if latency is None:
        return Target(None, "no latency target")
    if latency.ms is not None:
        return Target(latency.ms, f"at most {latency.ms:g} ms {figure.what} (as given)")
    targets = LABEL_TARGETS[latency.label or ""]
    if targets is None:
        return Target(None, f"{latency.label}: no latency target")
    bound = targets[figure.kind]
    if figure.kind == "audio":
        clip_ms = figure.ms / (figure.rtf or 1.0)
        return Target(bound * clip_ms, f"{latency.label}: a real-time factor of at most {bound:g}")
    unit = "tokens/s" if figure.kind == "token" else "ms"
    shown = f"at least {1e3 / bound:g} tokens/s" if unit == "tokens/s" else f"at most {bound:g} ms"
    return Target(bound, f"{latency.label}: {shown} {figure.what}")


FORMULA = (
    "per component: max(FLOPs / (peak x compute efficiency), bytes / (bandwidth x memory "
    "efficiency)) + kernels x kernel overhead; bytes = weights read + 2 x activations written, "
    "in the device's inference precision"
)


def latency_report(
    arch: str,
    dims: dict[str, Any],
    data: dict[str, Any],
    kind: str,
    device: Device,
    latency: Latency | None,
) -> dict[str, Any]:
    """The plan's `latency`: an estimate with the formula's inputs, the figure the target
    bounds, the target and whether the estimate meets it."""
    sample, text = sample_of(data, dims)
    times = forward_times(arch, dims, sample, device)
    figure = latency_figure(arch, dims, data, kind, device)
    target = latency_target(latency, figure)
    return {
        "kind": "estimate",
        "device": device.name,
        "representative": device.representative,
        "basis": device.basis,
        "precision": device.precision,
        "inputs": {
            "peak_flops_per_s": device.peak[device.precision],
            "compute_efficiency": device.compute_efficiency,
            "bandwidth_bytes_per_s": device.bandwidth,
            "memory_efficiency": device.memory_efficiency,
            "kernel_overhead_s": device.kernel_overhead,
            "source": device.source,
        },
        "formula": FORMULA,
        "sample": text,
        "components": [
            {
                "name": t.name,
                "flops": t.flops,
                "bytes": t.bytes,
                "kernels": t.kernels,
                "ms": _ms(t.seconds),
                "bound": t.bound,
            }
            for t in times
        ],
        "forward_ms": _ms(sum(t.seconds for t in times)),
        "figure": {
            "kind": figure.kind,
            "ms": round(figure.ms, 6),
            "what": figure.what,
            **({"real_time_factor": _significant(figure.rtf)} if figure.rtf is not None else {}),
            **{key: _significant(value) for key, value in figure.details.items()},
        },
        "target": {"text": target.text, "limit_ms": target.limit_ms},
        "meets": None if target.limit_ms is None else target.met(figure),
    }


def _ms(seconds: float) -> float:
    """Milliseconds to the nanosecond: an estimate has no more digits worth reading."""
    return round(1e3 * seconds, 6)


def _significant(value: float) -> float:
    return float(f"{value:.6g}")


def planned_device(name: str | None) -> Device:
    """The spec's device class, or this machine's CPU when it names none."""
    return device_named(name or "cpu")
