"""The task handler interface: head, loss, metrics and data for one task type."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from metagen.blueprint.model import Blueprint
from metagen.spec import Spec


class TaskHandler(ABC):
    """Adds a task's head, loss and metrics to a Blueprint. Registered by task name."""

    name: ClassVar[str]
    supported_modalities: ClassVar[tuple[str, ...]]
    output_type: ClassVar[str]
    # A task whose model is its own architecture (a detector, a segmenter, a forecaster) sets
    # this: the planner then runs only this handler, which sets `arch`, the dims and the
    # components itself (reading the input sizes with the modality modules' helpers).
    # Otherwise the modality handler picks the backbone and this handler adds the head.
    builds_architecture: ClassVar[bool] = False
    # Inputs the task reads only beside a supported one (image to code: the text it writes
    # after the picture); the spec layer's table says which input a task cannot go without.
    companion_modalities: ClassVar[tuple[str, ...]] = ()

    def owns_architecture(self, spec: Spec) -> bool:
        """Whether this handler builds the whole model for `spec`. Defaults to
        `builds_architecture`; a handler that builds a model for some inputs and puts a head on
        a modality handler's backbone for others (classification) decides per spec."""
        return self.builds_architecture

    @abstractmethod
    def augment_blueprint(self, spec: Spec, blueprint: Blueprint) -> Blueprint:
        """Write the task's dims (classes, ...), loss and metrics into the blueprint."""

    @abstractmethod
    def get_head_architecture(self, spec: Spec, blueprint: Blueprint) -> dict[str, Any]:
        """The task head, as numbers."""

    @abstractmethod
    def get_loss_function(self, spec: Spec) -> str:
        """The loss's name in the runtime LOSSES registry."""

    @abstractmethod
    def get_metrics(self, spec: Spec) -> list[str]:
        """The metrics `evaluate.py` reports on held-out data."""


def task_num_classes(spec: Spec, blueprint: Blueprint, default: int, decision: str) -> int:
    """task.num_classes, or `default` when the spec leaves it out, with `decision` (the plan's
    note on that default, after "No task.num_classes; ") recorded in the blueprint."""
    num_classes = spec.task.num_classes if spec.task else None
    if num_classes is None:
        blueprint.decisions.append(f"No task.num_classes; {decision}")
        return default
    return num_classes
