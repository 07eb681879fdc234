"""The modality handler interface: what a modality contributes to the Blueprint."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.planned import FAMILIES, not_built
from metagen.spec import Spec


@dataclass(frozen=True)
class Component:
    """One part of the generated architecture, as the plan names it."""

    name: str
    role: str


def spec_family(spec: Spec, default: str = "transformer") -> str:
    """The architecture family, `default` when the spec leaves it out (the spec language's default is
    `transformer`; a task with one built family defaults to that one)."""
    family = spec.architecture.family if spec.architecture else None
    return family or default


class ModalityHandler(ABC):
    """Chooses the input/output components of a model for one modality. Writes numbers into
    the Blueprint; never builds modules."""

    name: ClassVar[str]
    modality: ClassVar[str]
    families: ClassVar[tuple[str, ...]]

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.family = spec_family(spec)
        if self.family not in self.families:
            if self.family in FAMILIES:
                raise not_built(FAMILIES[self.family], "architecture.family", self.family)
            raise PlanError(
                f"architecture.family '{self.family}' does not fit the {self.modality} "
                f"modality. {self.name} supports: {', '.join(self.families)}."
            )

    @abstractmethod
    def augment_blueprint(self, blueprint: Blueprint) -> Blueprint:
        """Fill the modality's arch, fixed dims, data shape and components into `blueprint`,
        and `blueprint.task`: what training means for it when the spec asks for generation
        (a task handler such as classification may replace it)."""

    def generate_components(self) -> list[Component]:
        """The generated architecture, part by part, for the plan and the docs, where it is
        known before the solver runs. A handler whose roles depend on the solved dims gives
        them in `describe` instead."""
        return []

    def describe(self, dims: dict[str, Any]) -> list[Component] | None:
        """The components from the solved full-scale dims, which a named variant or the solver
        fixes after augment_blueprint (positions, norm, MLP, GQA, a tied head); None keeps
        what augment_blueprint set."""
        return None
