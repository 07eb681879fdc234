"""The human view of `metagen plan`: a per-component table like Ultralytics' build summary."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _bytes(n: int) -> str:
    return f"{n / 1e9:,.2f} GB" if n >= 1e8 else f"{n / 1e6:,.2f} MB"


def print_plan(console: Console, plan: dict[str, Any]) -> None:
    title = f"{plan['name']}: {plan['arch']} ({plan['family']}), task {plan['task']}"
    table = Table(title=title, show_footer=True)
    table.add_column("component", footer="total")
    table.add_column("role")
    table.add_column("params", justify="right", footer=f"{plan['params_total']:,}")
    roles = {a["name"]: a["role"] for a in plan["architecture"]}
    for c in plan["components"]:
        table.add_row(c["name"], roles.get(c["name"], ""), f"{c['params']:,}")
    console.print(table)
    budget = plan["budget_max"]
    if budget:
        console.print(f"budget: {budget:,} max, used {100 * plan['budget_fraction']:.1f}%")
    dims = ", ".join(f"{k}={v}" for k, v in plan["dims"].items())
    console.print(f"dims: {dims}")
    console.print(f"FLOPs per sample ({plan['flops_sample']}): {plan['flops_per_sample']:,}")
    memory = plan["memory"]
    console.print(
        f"memory: weights {_bytes(memory['weights_bf16_bytes'])} bf16 / "
        f"{_bytes(memory['weights_fp32_bytes'])} fp32; training (AdamW, no activations) "
        f"{_bytes(memory['training_adamw_bytes'])}"
    )
    if "kv_cache_bf16_bytes" in memory:
        console.print(
            f"KV cache at {memory['kv_cache_context_length']:,} tokens (bf16, batch 1): "
            f"{_bytes(memory['kv_cache_bf16_bytes'])}"
        )
    console.print(f"smoke scale: {plan['smoke']['params_total']:,} params")
    if "latency" in plan:
        print_latency(console, plan["latency"], plan.get("binding_constraint", ""))
    if "measured_latency" in plan:
        m = plan["measured_latency"]
        console.print(
            f"measured on {m['device']} ({m['scale']} scale, {m['sample']}): median "
            f"{m['median_ms']:.3g} ms over {m['runs']} runs; estimated {m['estimate_ms']:.3g} ms "
            f"(estimate / measured = {m['ratio']:.2f})"
        )
    for line in [*plan["approximations"], *plan["decisions"]]:
        console.print(f"- {line}")


def print_latency(console: Console, latency: dict[str, Any], binding: str) -> None:
    """The estimate, the formula's inputs, the target and which constraint fixed the size."""
    figure, inputs = latency["figure"], latency["inputs"]
    console.print(
        f"latency (an estimate, batch 1, {latency['precision']}, on {latency['device']}: "
        f"{latency['representative']}): {figure['ms']:.3g} ms {figure['what']}"
    )
    if "tokens_per_s" in figure:
        console.print(
            f"  time to the first token {figure['first_token_ms']:.3g} ms; decode "
            f"{figure['tokens_per_s']:.3g} tokens/s"
        )
    if "real_time_factor" in figure:
        console.print(f"  real-time factor {figure['real_time_factor']:.3g}")
    verdict = {None: "", True: ": met", False: ": MISSED"}[latency["meets"]]
    console.print(f"  target: {latency['target']['text']}{verdict}; size fixed by: {binding}")
    console.print(
        f"  from: peak {inputs['peak_flops_per_s'] / 1e12:.4g} TFLOP/s x "
        f"{inputs['compute_efficiency']:.2f}, {inputs['bandwidth_bytes_per_s'] / 1e9:.4g} GB/s "
        f"x {inputs['memory_efficiency']:.2f}, {1e6 * inputs['kernel_overhead_s']:.3g} us per "
        f"kernel ({latency['basis']}; {inputs['source']})"
    )
