"""The plan's training stages (spec training.stages): checked against the parts the
architecture has, and scaled to each scale's steps."""

from __future__ import annotations

from typing import Any

from metagen.archs.registry import arch
from metagen.blueprint.model import PlanError


def planned_parts(bp) -> list[str]:
    """The parts this plan's model has, in order: its components that the arch row names as
    parts (a VLM has cross_attention only under cross-attention fusion)."""
    parts = arch(bp.arch).stage_parts
    return [name for name, _ in bp.components if name in parts]


def left_out_keys(stage, bp) -> list[str]:
    """The forward keywords a stage leaves unpassed: those of the plan's inputs that the
    stage's `inputs` does not name."""
    if stage.inputs is None:
        return []
    optional = dict(arch(bp.arch).stage_optional_inputs)
    return [optional[m] for m in bp.modality_inputs if m not in stage.inputs and m in optional]


def check_stage_inputs(stage, bp) -> None:
    """Raise PlanError if a stage feeds an input the spec lacks, or leaves out one the
    planned model cannot go without."""
    if stage.inputs is None:
        return
    unknown = [m for m in stage.inputs if m not in bp.modality_inputs]
    if unknown:
        raise PlanError(
            f"training.stages: stage {stage.name!r} feeds {', '.join(unknown)}, which the spec's "
            f"modality.inputs ({', '.join(bp.modality_inputs)}) do not have; name some of those."
        )
    optional = dict(arch(bp.arch).stage_optional_inputs)
    needed = [m for m in bp.modality_inputs if m not in stage.inputs and m not in optional]
    if needed:
        can = f"only {', '.join(optional)}" if optional else "none"
        raise PlanError(
            f"training.stages: stage {stage.name!r} leaves out {', '.join(needed)}, which this "
            f"{bp.arch} cannot run without (it can leave out {can}); add "
            f"{', '.join(needed)} to the stage's inputs, or remove its inputs to feed them all."
        )


def check_stage_names(stages, bp) -> None:
    """Raise PlanError if a stage trains a part that the planned model does not have, or
    feeds inputs it cannot run on."""
    parts = planned_parts(bp)
    if not parts:
        raise PlanError(
            f"training.stages freezes and trains parts of the model by name, and {bp.arch} "
            "names no parts yet (the fusion network and the VLM do); remove training.stages "
            "to train everything together."
        )
    for stage in stages:
        unknown = [p for p in stage.train if p not in parts] if stage.train != "all" else []
        if unknown:
            raise PlanError(
                f"training.stages: stage {stage.name!r} trains {', '.join(unknown)}, which "
                f"this {bp.arch} does not have; its parts are {', '.join(parts)} (or write "
                "train: all)."
            )
        check_stage_inputs(stage, bp)


def scaled_stages(
    stages, steps: int | None, left_out: list[list[str]] | None = None
) -> list[dict[str, Any]]:
    """The stages as the training loop reads them. `steps` None keeps their own steps (the
    full scale); a number shares that many steps among them in proportion, at least one
    each (the smoke scale). `left_out` gives each stage's forward keywords to leave
    unpassed (left_out_keys)."""
    left_out = left_out or [[] for _ in stages]
    total = sum(stage.steps for stage in stages)
    return [
        {
            "name": stage.name,
            "steps": stage.steps if steps is None else max(1, round(stage.steps * steps / total)),
            "train": stage.train,
            "lr": stage.learning_rate,
            "leave_out": keys,
        }
        for stage, keys in zip(stages, left_out, strict=True)
    ]


def describe_stages(stages, bp) -> str:
    """The plan's line about the stages: what each trains and freezes, for how long."""
    parts = planned_parts(bp)
    shown = []
    for stage in stages:
        trained = parts if stage.train == "all" else stage.train
        frozen = [p for p in parts if p not in trained]
        rate = f" at peak lr {stage.learning_rate:g}" if stage.learning_rate else ""
        reads = f" on {' and '.join(stage.inputs)} alone" if left_out_keys(stage, bp) else ""
        shown.append(
            f"{stage.name} ({stage.steps} steps{rate}: trains {', '.join(trained)}{reads}"
            + (f"; {', '.join(frozen)} frozen)" if frozen else ")")
        )
    return (
        f"Trains in {len(stages)} stages, each with its own warmup and cosine schedule and an "
        f"evaluation at its end: {'; '.join(shown)}. The smoke scale shares its steps among "
        "them in proportion."
    )
