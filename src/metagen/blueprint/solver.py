"""The budget solver: the largest standard shape under the budget, by exact counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metagen.archs.registry import PARAMETER_FREE_FIELDS, arch, dataclass_fields
from metagen.blueprint.catalog import Variant, all_variants, get_variant
from metagen.blueprint.counts import count_params
from metagen.blueprint.latency_plan import (
    latency_figure,
    latency_kind,
    latency_target,
    planned_device,
)
from metagen.blueprint.memory import INFERENCE_BYTES_PER_PARAM, memory_cap
from metagen.blueprint.model import Blueprint, PlanError
from metagen.blueprint.shape_builds import Shape

# The solver aims for params in [FLOOR_RATIO * max, max].
FLOOR_RATIO = 0.9


@dataclass(frozen=True)
class Fit:
    params: int
    dims: dict[str, Any]
    label: str
    depth: int = 0


def total_params(arch: str, dims: dict[str, Any]) -> int:
    return sum(count_params(arch, dims).values())


def deepest_fit(arch: str, shape: Shape, cap: int) -> Fit | None:
    """The deepest depth of `shape` within `cap`. Params are affine in depth, so two counts
    give the slope; the caller re-counts the answer exactly."""
    low = total_params(arch, shape.build(shape.depth_min))
    if low > cap:
        return None
    shallowest = Fit(low, shape.build(shape.depth_min), shape.label, shape.depth_min)
    if shape.depth_max == shape.depth_min:
        return shallowest
    per_unit = total_params(arch, shape.build(shape.depth_min + 1)) - low
    if per_unit <= 0:  # depth adds no parameter: the shallowest does what the deepest would
        return shallowest
    depth = min(shape.depth_max, shape.depth_min + (cap - low) // per_unit)
    params = low + (depth - shape.depth_min) * per_unit
    return Fit(params, shape.build(depth), shape.label, depth)


def _fmt(n: int) -> str:
    return f"{n:,}"


def fastest_fit(bp: Blueprint, shape: Shape, fit: Fit, limit_ms: float) -> Fit | None:
    """The deepest depth of `shape`, up to `fit`'s, whose estimated latency is within
    `limit_ms`; the estimate grows with depth, so a bisection finds it."""
    if latency_ms(bp, shape.build(shape.depth_min)) > limit_ms:
        return None
    low, high = shape.depth_min, fit.depth
    while low < high:
        middle = (low + high + 1) // 2
        if latency_ms(bp, shape.build(middle)) <= limit_ms:
            low = middle
        else:
            high = middle - 1
    dims = shape.build(low)
    return Fit(total_params(bp.arch, dims), dims, shape.label, low)


def latency_ms(bp: Blueprint, dims: dict[str, Any]) -> float:
    """The latency figure (per frame, token, clip or sample) of `dims` on the spec's device."""
    kind = latency_kind(dims, bp.sample_data, bp.modality_inputs, bp.modality_outputs)
    return latency_figure(bp.arch, dims, bp.sample_data, kind, planned_device(bp.device)).ms


def latency_limit(bp: Blueprint, dims: dict[str, Any]) -> tuple[float | None, str]:
    """(the spec's latency bound in ms for `dims`'s figure, the target in words)."""
    if bp.latency is None:
        return None, ""
    kind = latency_kind(dims, bp.sample_data, bp.modality_inputs, bp.modality_outputs)
    figure = latency_figure(bp.arch, dims, bp.sample_data, kind, planned_device(bp.device))
    target = latency_target(bp.latency, figure)
    return target.limit_ms, target.text


def _within_latency(bp: Blueprint, fits: list[Fit], shapes: list[Shape], largest: Fit) -> Fit:
    """The largest fit whose latency meets the spec's target; the binding constraint."""
    limit, text = latency_limit(bp, largest.dims)
    device = planned_device(bp.device)
    if limit is None:
        return largest
    by_label = {s.label: s for s in shapes}
    fast = [f for fit in fits if (f := fastest_fit(bp, by_label[fit.label], fit, limit))]
    if not fast:
        smallest = min(shapes, key=lambda s: total_params(bp.arch, s.build(s.depth_min)))
        estimate = latency_ms(bp, smallest.build(smallest.depth_min))
        raise PlanError(
            f"No standard {bp.arch} shape meets the latency target ({text}) on {device.name} "
            f"({device.representative}): the smallest ({smallest.label}, {smallest.depth_min} "
            f"layers) is estimated at {estimate:.3g} ms. Relax constraints.latency, name a "
            "faster constraints.device, or shrink the input (a smaller image or context)."
        )
    best = max(fast, key=lambda f: f.params)
    if best.params < largest.params:
        bp.binding = "latency"
        bp.decisions.append(
            f"The latency target binds: the largest shape within the budget "
            f"({_fmt(largest.params)} params) is estimated at "
            f"{latency_ms(bp, largest.dims):.3g} ms on {device.name}, over {text}; the largest "
            f"that meets it has {_fmt(best.params)} params ({latency_ms(bp, best.dims):.3g} ms)."
        )
    return best


def warn_if_slow(bp: Blueprint, dims: dict[str, Any]) -> None:
    """A shape the spec fixes (a variant, given dims) is kept; a latency it misses is said,
    with the numbers. Called once the data follows the shape (a variant's context)."""
    if bp.given_dims is None and bp.variant is None:
        return
    limit, text = latency_limit(bp, dims)
    if limit is not None and (estimate := latency_ms(bp, dims)) > limit:
        device = planned_device(bp.device)
        bp.warnings.append(
            f"{bp.binding} is estimated at {estimate:.3g} ms on {device.name} "
            f"({device.representative}), over the latency target ({text}). Drop the "
            "variant or dims to let the solver size the model for the target, or relax it."
        )


def effective_cap(bp: Blueprint) -> int:
    """The params the solver may use: the budget, or the default, cut by any memory limit."""
    if bp.budget_max is not None:
        cap = bp.budget_max
        bp.binding = "parameter budget"
    else:
        cap = arch(bp.arch).default_budget
        bp.binding = "default parameter budget"
        bp.decisions.append(
            f"No parameter_budget.max in the spec; sized to the default {_fmt(cap)} for {bp.arch}."
        )
    memory = memory_cap(bp.memory_budget, bp.device)
    if memory is not None and memory // INFERENCE_BYTES_PER_PARAM < cap:
        cap = memory // INFERENCE_BYTES_PER_PARAM
        bp.binding = "memory"
        bp.decisions.append(
            f"Memory limit {_fmt(memory)} bytes (memory_budget/device) holds bf16 weights for at "
            f"most {_fmt(cap)} params, below the parameter budget; that is the cap."
        )
    return cap


def solve_shape(bp: Blueprint) -> Fit:
    cap = effective_cap(bp)
    shapes = list(arch(bp.arch).grid(bp.fixed_dims, cap))
    if not shapes:  # the spec fixed a dim no standard shape has (a head count, say)
        fixed = ", ".join(f"{k}={v}" for k, v in bp.fixed_dims.items() if "head" in k)
        raise PlanError(
            f"No standard {bp.arch} shape has the dims this spec fixes ({fixed}): a head count "
            "must divide a standard width. Pick a head count of 1, 2, 4 or 8, or leave it out."
        )
    fits = [f for s in shapes if (f := deepest_fit(bp.arch, s, cap)) is not None]
    if not fits:
        smallest = min(total_params(bp.arch, s.build(s.depth_min)) for s in shapes)
        raise PlanError(
            f"No standard {bp.arch} shape fits {_fmt(cap)} parameters: the smallest "
            f"({shapes[0].label}, {shapes[0].depth_min} layers) has {_fmt(smallest)}. Raise "
            f"constraints.parameter_budget.max to at least {_fmt(smallest)}, or relax the "
            "memory limit."
        )
    # Largest wins; on a tie the earlier (narrower, deeper) shape, for determinism.
    largest = max(fits, key=lambda f: f.params)
    exact = total_params(bp.arch, largest.dims)
    if exact != largest.params:  # the affine shortcut must agree with a full count
        raise AssertionError(
            f"solver slope mismatch for {largest.label}: {exact} != {largest.params}"
        )
    best = _within_latency(bp, fits, shapes, largest)
    if bp.binding != "latency" and best.params < FLOOR_RATIO * cap:
        bp.decisions.append(
            f"The largest standard shape has {_fmt(best.params)} params, below "
            f"{FLOOR_RATIO:.0%} of the cap {_fmt(cap)}: the next step up in the shape grid "
            "does not fit."
        )
    return best


def apply_variant(bp: Blueprint, variant: Variant) -> dict[str, Any]:
    if variant.arch != bp.arch and bp.arch not in variant.heads_on:
        raise PlanError(
            f"architecture.variant '{variant.name}' is a {variant.arch} ({variant.family}), but "
            f"this spec builds a {bp.arch}. Pick a {bp.arch} variant or change architecture.family."
        )
    dims = dict(variant.dims)
    if bp.arch != variant.arch:  # a task head on the variant's encoder: its dims are the task's
        dims.update({k: v for k, v in bp.fixed_dims.items() if k not in dims})
    for key in variant.adjustable:
        if key in bp.fixed_dims and bp.fixed_dims[key] != dims[key]:
            bp.decisions.append(
                f"{variant.name}: {key} set to {bp.fixed_dims[key]} by the spec (published "
                f"count {_fmt(variant.published_params)} is for {key}={dims[key]})."
            )
            dims[key] = bp.fixed_dims[key]
    params = total_params(bp.arch, dims)
    bp.decisions.append(
        f"Named variant {variant.name} fixes the shape ({variant.source}); the solver does not "
        "resize it."
    )
    if variant.published_components:
        per_component = count_params(bp.arch, dims)
        extra = [n for n in per_component if n not in variant.published_components]
        bp.decisions.append(
            f"{variant.name}: the published {_fmt(variant.published_params)} counts "
            f"{', '.join(variant.published_components)}; not counted there: "
            + ", ".join(f"{n} ({_fmt(per_component[n])})" for n in extra)
            + f"; {_fmt(params)} in all."
        )
    if bp.budget_max is not None and params > bp.budget_max:
        raise PlanError(
            f"architecture.variant '{variant.name}' has {_fmt(params)} parameters, over "
            f"constraints.parameter_budget.max ({_fmt(bp.budget_max)}). Raise the budget to "
            f"at least {_fmt(params)}, or drop the variant and let the solver size the model."
        )
    if bp.budget_max is not None and params < FLOOR_RATIO * bp.budget_max:
        bp.decisions.append(
            f"{variant.name} uses {params / bp.budget_max:.0%} of the budget; a named variant "
            "is kept as published rather than grown."
        )
    return dims


def apply_given_dims(bp: Blueprint, given: dict[str, Any]) -> dict[str, Any]:
    """The spec's architecture.dims, checked against the arch's config fields and types."""
    known = dict(dataclass_fields(arch(bp.arch).model_module, arch(bp.arch).config))
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise PlanError(
            f"architecture.dims names {unknown}, which {bp.arch}'s config does not have. Its "
            f"fields are {', '.join(known)}."
        )
    fields = {name: kind for name, kind in known.items() if name in given}
    for name, annotation in fields.items():
        _check_type(name, given[name], annotation)
        _check_size(name, given[name])
    # an int written for a float field (eps: 1) is that float, as the config would hold it
    dims = {
        k: float(given[k]) if kind.startswith("float") and given[k] is not None else given[k]
        for k, kind in fields.items()
    }
    # a field left out takes what the data and task fix (the classes, the tokenizer's
    # vocabulary), else the config's default; a float (an eps, a rate) or an activation left
    # out stays out, and the config's default applies as in a run's config.json
    defaults = {
        k: v
        for k, v in arch(bp.arch).config_defaults().items()
        if v is not None and not known[k].startswith("float") and k not in PARAMETER_FREE_FIELDS
    }
    fixed = {k: v for k, v in bp.fixed_dims.items() if k in known}
    dims = {**defaults, **fixed, **dims}
    _check_divisible(dims)
    try:
        params = total_params(bp.arch, dims)
        total_params(bp.arch, arch(bp.arch).smoke_dims(dims))  # the smoke scale derives from it
        arch(bp.arch).flops(dims)
    except (ZeroDivisionError, ValueError, KeyError) as error:
        raise PlanError(
            f"architecture.dims do not make a {bp.arch} model ({error}). Give every size the arch "
            "needs, consistent with each other: compare with the config.json of a run."
        ) from None
    if bp.budget_max is not None and params > bp.budget_max:
        raise PlanError(
            f"architecture.dims give {_fmt(params)} parameters, over "
            f"constraints.parameter_budget.max ({_fmt(bp.budget_max)}). Raise the budget to at "
            "least that, or remove the budget."
        )
    bp.decisions.append(
        f"architecture.dims fix the shape ({_fmt(params)} params); the solver does not resize it."
    )
    return dims


# A config annotation -> the YAML types a value of it may have.
_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "str": (str,),
    "list[int]": (list,),
    "tuple[int, ...]": (list,),  # YAML and config.json write a tuple as a list
}


# Bounds on given dims, far past any published model, so that counting stays cheap: the
# counts list every layer, so a billion layers would be a billion entries.
MAX_DIM = 2**24
MAX_LAYERS = 1024


# (dividend, divisor) field suffixes that every attention config requires, whatever the
# prefix (text_, vision_): heads split the width, key/value heads split the heads.
DIVISIBLE = (("d_model", "n_heads"), ("n_heads", "n_kv_heads"))


def _check_divisible(dims: dict[str, Any]) -> None:
    for dividend, divisor in DIVISIBLE:
        for name in dims:
            if not name.endswith(dividend):
                continue
            other = name[: -len(dividend)] + divisor
            if isinstance(dims.get(other), int) and dims[name] % dims[other]:
                raise PlanError(
                    f"architecture.dims.{name} ({dims[name]}) must be divisible by {other} "
                    f"({dims[other]}). Change one of them."
                )


def _check_size(name: str, value: Any) -> None:
    values = value if isinstance(value, list) else [value]
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    limit = MAX_LAYERS if name.endswith("layers") else MAX_DIM
    # an integer dim is a size or a count (never 0), or a token id (`*_id`, from 0)
    low = 0 if name.endswith("_id") or any(isinstance(v, float) for v in numbers) else 1
    if any(not low <= v <= limit for v in numbers):
        raise PlanError(
            f"architecture.dims.{name} is {value!r}, outside {low} to {limit:,}. Give the size "
            "of a model that exists."
        )


def _check_type(name: str, value: Any, annotation: str) -> None:
    if annotation.endswith(" | None") and value is None:  # an option, off when None
        return
    kinds = _VALUE_TYPES.get(annotation.removesuffix(" | None"), (object,))
    if isinstance(value, bool) and bool not in kinds:  # YAML's true is not a number here
        kinds = ()
    if not isinstance(value, kinds):
        raise PlanError(
            f"architecture.dims.{name} is {value!r}, but {name} takes a {annotation} value. Write "
            f"one, e.g. from the config.json of a synthesized run."
        )


def solve(bp: Blueprint) -> dict[str, Any]:
    """Fix the full-scale model dims of `bp` and return them."""
    if bp.given_dims is not None and bp.variant is not None:
        raise PlanError(
            f"architecture.dims and architecture.variant '{bp.variant}' both fix the shape. "
            "Keep one: the variant's published dims, or your own dims."
        )
    if bp.given_dims is not None:
        dims = apply_given_dims(bp, bp.given_dims)
        bp.binding = "architecture.dims"
    elif bp.variant is not None:
        variant = get_variant(bp.variant)
        if variant is None:
            known = ", ".join(sorted(n for n, v in all_variants().items() if v.arch == bp.arch))
            raise PlanError(
                f"architecture.variant '{bp.variant}' is not in the catalog for {bp.arch}. "
                f"Known {bp.arch} variants: {known or 'none yet'}. Remove the variant to let "
                "the solver size the model from the budget."
            )
        dims = apply_variant(bp, variant)
        bp.binding = f"architecture.variant {variant.name}"
    else:
        dims = solve_shape(bp).dims
    if bp.budget_min is not None and total_params(bp.arch, dims) < bp.budget_min:
        raise PlanError(
            f"The solved model has {_fmt(total_params(bp.arch, dims))} params, under "
            f"constraints.parameter_budget.min ({_fmt(bp.budget_min)}). Lower the minimum or "
            "raise the maximum."
        )
    return dims
