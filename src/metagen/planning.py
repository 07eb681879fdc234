"""Spec -> solved Blueprint -> plan: the pure-Python half of the pipeline (no torch)."""

from __future__ import annotations

from typing import Any

from metagen.archs.registry import arch
from metagen.blueprint.counts import count_flops, count_params
from metagen.blueprint.latency_plan import latency_kind, latency_report, planned_device
from metagen.blueprint.memory import DEVICE_MEMORY, memory_report
from metagen.blueprint.model import Blueprint, ScaleConfig
from metagen.blueprint.sample import sample_of
from metagen.blueprint.scales import data_config, train_config
from metagen.blueprint.solver import solve, warn_if_slow
from metagen.blueprint.stages import check_stage_names, describe_stages, left_out_keys
from metagen.handlers.approximation import approximate_outputs
from metagen.handlers.modalities import get_handler
from metagen.handlers.modalities.base import spec_family
from metagen.handlers.modalities.text import check_planned_tokenizer
from metagen.handlers.planned import refuse_unbuilt_sections
from metagen.handlers.tasks import get_task_handler
from metagen.spec import Spec
from metagen.tasks.registry import tasks


def _new_blueprint(spec: Spec, seed: int | None) -> Blueprint:
    constraints = spec.constraints
    budget = constraints.parameter_budget if constraints else None
    return Blueprint(
        name=spec.name,
        seed=spec.seed if seed is None else seed,
        family=spec_family(spec),
        variant=spec.architecture.variant if spec.architecture else None,
        given_dims=spec.architecture.dims if spec.architecture else None,
        modality_inputs=list(spec.modality.inputs),
        modality_outputs=list(spec.modality.outputs),
        budget_max=budget.max if budget else None,
        budget_min=budget.min if budget else None,
        memory_budget=constraints.memory_budget if constraints else None,
        device=constraints.device if constraints else None,
        context_length=constraints.context_window if constraints else None,
        latency=constraints.latency if constraints else None,
        warnings=[w.message for w in spec.warnings],
    )


def _training_overrides(spec: Spec) -> dict[str, Any]:
    t = spec.training
    if t is None:
        return {}
    return {
        "steps": t.steps,
        "batch_size": t.batch_size,
        "lr": t.learning_rate,
        "weight_decay": t.weight_decay,
        "warmup_steps": t.warmup_steps,
    }


def make_blueprint(spec: Spec, seed: int | None = None) -> Blueprint:
    """Run the handlers and the solver: every dim of every scale fixed."""
    refuse_unbuilt_sections(spec)
    bp = _new_blueprint(spec, seed)
    # An unsupported output (`taste`, say) is built as the nearest supported one.
    spec, approximations = approximate_outputs(spec)
    bp.approximations = approximations
    task_handler = get_task_handler(spec)
    handler = None if task_handler.owns_architecture(spec) else get_handler(spec)
    if handler is not None:
        handler.augment_blueprint(bp)
    task_handler.augment_blueprint(spec, bp)
    given_data = spec.data.config() if spec.data else None
    bp.sample_data = {**bp.data, **data_config(bp.task, "full", given_data)}
    if bp.latency is not None and bp.device is None:
        bp.decisions.append(
            "constraints.latency names no constraints.device: the latency is estimated for "
            "this machine's CPU."
        )
    full = solve(bp)
    check_planned_tokenizer(spec, bp, full)
    if "context_length" in full and full["context_length"] != bp.context_length:
        # A named variant fixes its own context window: the KV cache and windows follow it.
        bp.decisions.append(
            f"{bp.variant or 'architecture.dims'} has a {full['context_length']}-token "
            "context; the KV cache and the "
            "training windows use it."
        )
        bp.context_length = full["context_length"]
        bp.data["seq_len"] = min(bp.data["seq_len"], full["context_length"])
    overrides = _training_overrides(spec)
    precision = spec.training.precision if spec.training else "auto"
    stages = spec.training.stages if spec.training else None
    left_out = [left_out_keys(stage, bp) for stage in stages] if stages else None
    bp.scales["full"] = ScaleConfig(
        model=full,
        data={**bp.data, **data_config(bp.task, "full", given_data)},
        train={
            **train_config(bp.task, "full", overrides, bp.train_settings, stages, left_out),
            "precision": precision,
            "seed": bp.seed,
        },
    )
    bp.sample_data = bp.scales["full"].data
    warn_if_slow(bp, full)
    described = handler.describe(full) if handler is not None else None
    if described is not None:  # roles that read the solved dims (a variant's, the solver's)
        bp.components = [(c.name, c.role) for c in described]
    if stages:  # the parts a stage names are the planned model's components
        check_stage_names(stages, bp)
        bp.decisions.append(describe_stages(stages, bp))
    smoke = {**arch(bp.arch).smoke_dims(full), **bp.smoke_model}
    bp.scales["smoke"] = ScaleConfig(
        model=smoke,
        data={
            **bp.data,
            **data_config(bp.task, "smoke", given_data),
            **bp.smoke_data,
            **_smoke_data_from(smoke),
        },
        train={
            **train_config(
                bp.task,
                "smoke",
                overrides,
                {**bp.train_settings, **bp.smoke_train},
                stages,
                left_out,
            ),
            "precision": precision,
            "seed": bp.seed,
        },
    )
    _check_memory(bp)
    _state_data_fitted_size(bp)
    return bp


# train.py's rule (codegen/templates/train.py.j2 keeps the same number): at full scale, a
# model with more parameters than this per training sample trains the smoke scale's dims.
PARAMS_PER_SAMPLE = 1_000


def _state_data_fitted_size(bp: Blueprint) -> None:
    """Say what size training will take for the data it gets: the budget is a maximum."""
    fixed = bp.variant is not None or bp.given_dims is not None
    if fixed or bp.scales["full"].train.get("stages") or tasks()[bp.task].loop is not None:
        return  # a size the spec chose, a staged plan, or an agent that makes its own data
    full = sum(count_params(bp.arch, bp.dims).values())
    smoke = sum(count_params(bp.arch, bp.scales["smoke"].model).values())
    if smoke >= full:
        return
    samples = -(-full // PARAMS_PER_SAMPLE)
    bp.decisions.append(
        f"Sized to the data at training: `metagen train` keeps these {full:,} parameters for "
        f"at least {samples:,} training samples ({PARAMS_PER_SAMPLE:,} parameters a sample); "
        f"with fewer it trains the smoke scale's dims ({smoke:,} parameters), unless "
        "--full-size or --init-from is given."
    )


def plan_warnings(spec: Spec) -> list[str]:
    """Plan ``spec`` as `metagen plan` does; return the warnings the planner adds to the
    spec's own. Raises PlanError where `plan` would: `metagen validate` calls this, so that a
    valid spec is one that MetaGen can plan and synthesize."""
    bp = make_blueprint(spec)
    plan_dict(bp)
    return bp.warnings[len(spec.warnings) :]


# Data keys that must follow the smoke model's dims: the input size it is built for.
SMOKE_DATA_FROM_DIMS = ("image_size", "num_frames", "resolution", "clip_samples", "prompt_samples")


def _smoke_data_from(dims: dict[str, Any]) -> dict[str, Any]:
    return {key: dims[key] for key in SMOKE_DATA_FROM_DIMS if key in dims}


def _check_memory(bp: Blueprint) -> None:
    params = sum(count_params(bp.arch, bp.dims).values())
    report = memory_report(bp.arch, bp.dims, params, bp.context_length)
    for label, limit in (
        ("memory_budget", bp.memory_budget),
        (f"device {bp.device}", DEVICE_MEMORY.get(bp.device or "")),
    ):
        if limit and report["training_adamw_bytes"] > limit:
            bp.warnings.append(
                f"Training with AdamW needs {report['training_adamw_bytes'] / 1e9:.1f} GB for "
                f"weights, grads and optimizer state alone, over the {label} limit "
                f"({limit / 1e9:.1f} GB): train sharded (FSDP) on several devices, or lower "
                "the budget."
            )


def flops_sample(bp: Blueprint) -> tuple[dict[str, int | None], str]:
    """What one sample is for FLOPs: a training sequence for an LM, one image otherwise."""
    return sample_of(bp.scales["full"].data, bp.scales["full"].model)


def plan_dict(bp: Blueprint) -> dict[str, Any]:
    """The plan as JSON: exact counts, FLOPs per sample and memory in bytes."""
    per_component = count_params(bp.arch, bp.dims)
    total = sum(per_component.values())
    sample, sample_text = flops_sample(bp)
    smoke_params = sum(count_params(bp.arch, bp.scales["smoke"].model).values())
    return {
        "name": bp.name,
        "seed": bp.seed,
        "arch": bp.arch,
        "family": bp.family,
        "task": bp.task,
        "variant": bp.variant,
        "params_total": total,
        "budget_max": bp.budget_max,
        "budget_min": bp.budget_min,
        "budget_fraction": round(total / bp.budget_max, 4) if bp.budget_max else None,
        "components": [{"name": n, "params": p} for n, p in per_component.items()],
        "architecture": [{"name": n, "role": r} for n, r in bp.components],
        "dims": bp.dims,
        "flops_per_sample": count_flops(bp.arch, bp.dims, **sample),
        "flops_sample": sample_text,
        "memory": memory_report(bp.arch, bp.dims, total, bp.context_length),
        "memory_note": "arithmetic over the exact params: training_adamw_bytes is fp32 weights, "
        "grads and AdamW moments; activations are not included",
        "latency": latency_report(
            bp.arch,
            bp.dims,
            bp.scales["full"].data,
            latency_kind(bp.dims, bp.scales["full"].data, bp.modality_inputs, bp.modality_outputs),
            planned_device(bp.device),
            bp.latency,
        ),
        "binding_constraint": bp.binding,
        "loss": bp.loss,
        "metrics": bp.metrics,
        "smoke": {
            "params_total": smoke_params,
            "dims": bp.scales["smoke"].model,
            "data": bp.scales["smoke"].data,
        },
        "train": bp.scales["full"].train,
        "data": bp.scales["full"].data,
        "decisions": bp.decisions,
        "approximations": bp.approximations,
        "warnings": bp.warnings,
    }
