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
    for line in [*plan["approximations"], *plan["decisions"]]:
        console.print(f"- {line}")
