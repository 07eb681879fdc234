"""The architecture family an RL task's spec asks for, checked against what that task builds.

Each RL task names the families it builds and the ones the roadmap gives it that are not built
yet (issue 12's table): a family of the second kind is refused as not built yet, any other as
not an agent of that task."""

from __future__ import annotations

from metagen.blueprint.model import PlanError
from metagen.handlers.modalities.base import spec_family
from metagen.handlers.planned import not_built


def agent_family(
    spec, task: str, built: tuple[str, ...], planned: tuple[str, ...] = (), default: str = ""
) -> str:
    """The spec's family for a `task` agent; a spec that names none gets `default`, or
    built[0]."""
    family = spec_family(spec, default=default or built[0])
    if family in planned:
        raise not_built(
            f"a reinforcement learning agent for {task} of the {family} family (built for "
            f"{task}: {', '.join(built)})",
            "architecture.family",
            family,
        )
    if family not in built:
        choices = (
            " or ".join(built) if len(built) < 3 else f"{', '.join(built[:-1])} or {built[-1]}"
        )
        raise PlanError(
            f"architecture.family '{family}' does not build a {task} agent; use {choices}."
        )
    return family


def check_observation_vectors(spec, task: str, family: str, frames_family: str = "") -> None:
    """An agent over observation vectors reads modality.inputs [tabular]; `frames_family` is
    the family that reads frames, where the task builds one."""
    if list(spec.modality.inputs) != ["tabular"]:
        frames = f", or architecture.family {frames_family} for frames" if frames_family else ""
        raise PlanError(
            f"modality.inputs {list(spec.modality.inputs)} does not fit a {task} agent of the "
            f"{family} family, which reads observation vectors; set modality.inputs: "
            f"[tabular]{frames}."
        )
