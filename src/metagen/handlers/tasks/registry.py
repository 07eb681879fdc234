"""One registry of task handlers, keyed by `task.type`."""

from __future__ import annotations

from collections.abc import Callable

from metagen.blueprint.model import PlanError
from metagen.handlers.planned import TASKS, not_built
from metagen.handlers.tasks.base import TaskHandler
from metagen.spec import Spec

_TASK_REGISTRY: dict[str, type[TaskHandler]] = {}


def register_task(name: str) -> Callable[[type[TaskHandler]], type[TaskHandler]]:
    def decorator(cls: type[TaskHandler]) -> type[TaskHandler]:
        _TASK_REGISTRY[name] = cls
        return cls

    return decorator


def registered_tasks() -> dict[str, type[TaskHandler]]:
    return dict(_TASK_REGISTRY)


def resolve_task_type(spec: Spec) -> str:
    """`task.type`, except that a `generation` spec trained for classification
    (examples/specs/image/image_vit.yaml) is a classification task, and one that writes text from audio is speech
    recognition."""
    task_type = spec.task.type if spec.task else "generation"
    objectives = spec.training.objective if spec.training else []
    if task_type == "generation" and "classification" in objectives:
        return "classification"
    if task_type == "generation" and _transcribes(spec):
        return "speech_recognition"
    return task_type


def _transcribes(spec: Spec) -> bool:
    """Audio in, text out (and no audio out): generating text from speech is recognizing it."""
    outputs = set(spec.modality.outputs)
    return set(spec.modality.inputs) == {"audio"} and "text" in outputs and "audio" not in outputs


def get_task_handler(spec: Spec) -> TaskHandler:
    task_type = resolve_task_type(spec)
    handler = _TASK_REGISTRY.get(task_type)
    if handler is None:
        raise not_built(
            TASKS.get(task_type, f"the '{task_type}' task handler"), "task.type", task_type
        )
    modalities = set(spec.modality.inputs)
    # a fusion section's inputs are the fusion planner's to check (handlers/tasks/fusion_plan.py)
    allowed = {*handler.supported_modalities, *handler.companion_modalities}
    if spec.fusion is None and not modalities <= allowed:
        unsupported = ", ".join(sorted(modalities - allowed))
        raise PlanError(
            f"task.type '{task_type}' does not take {unsupported} input yet; it supports "
            f"{', '.join(handler.supported_modalities)}. Change modality.inputs or task.type."
        )
    return handler()
