"""Warning checks: things a valid spec may say that MetaGen can only approximate.

A check is a function ``(spec) -> iterable of (path, message)``; registering it with
``@warning_check`` is all it takes to add one. The loader locates each path in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from metagen.spec.best_practices import (
    RECOMMENDED_FAMILIES,
    RECOMMENDED_OBJECTIVES,
    best_practice_use_case,
)
from metagen.spec.errors import SpecWarning
from metagen.spec.positions import Positions, dotted
from metagen.spec.vocab import KNOWN_OUTPUT_MODALITIES

if TYPE_CHECKING:
    from metagen.spec.schema import Spec

Finding = tuple[tuple[Any, ...], str]
WarningCheck = Callable[["Spec"], Iterable[Finding]]

WARNING_CHECKS: list[WarningCheck] = []


def warning_check(check: WarningCheck) -> WarningCheck:
    """Register ``check`` so that every loaded spec runs it."""
    WARNING_CHECKS.append(check)
    return check


@warning_check
def unsupported_outputs(spec: Spec) -> Iterable[Finding]:
    for index, output in enumerate(spec.modality.outputs):
        if output not in KNOWN_OUTPUT_MODALITIES:
            yield (
                ("modality", "outputs", index),
                f"output modality {output!r} is not supported; MetaGen will build a "
                "best-effort approximation and note the limitation in the model card "
                f"(supported outputs: {', '.join(KNOWN_OUTPUT_MODALITIES)})",
            )


@warning_check
def objective_fits_modality(spec: Spec) -> Iterable[Finding]:
    """The "Match Objective to Modality" table of spec/best_practices.py."""
    use_case = best_practice_use_case(spec)
    recommended = RECOMMENDED_OBJECTIVES.get(use_case or "")
    if not recommended or spec.training is None:
        return
    for index, objective in enumerate(spec.training.objective):
        if objective not in recommended:
            yield (
                ("training", "objective", index),
                f"training.objective {objective!r} is unusual for {use_case}: MetaGen's "
                f"best-practice table recommends {' or '.join(recommended)}",
            )


@warning_check
def family_fits_task(spec: Spec) -> Iterable[Finding]:
    """The "Match Architecture to Task" table of spec/best_practices.py."""
    use_case = best_practice_use_case(spec)
    recommended = RECOMMENDED_FAMILIES.get(use_case or "")
    family = spec.architecture.family if spec.architecture else None
    if recommended and family is not None and family not in recommended:
        yield (
            ("architecture", "family"),
            f"architecture.family {family!r} is unusual for {use_case}: MetaGen's best-practice "
            f"table recommends {' or '.join(recommended)}",
        )


@warning_check
def fusion_needs_several_inputs(spec: Spec) -> Iterable[Finding]:
    fusion = spec.architecture.fusion if spec.architecture else None
    if fusion is not None and len(spec.modality.inputs) < 2:
        yield (
            ("architecture", "fusion"),
            f"architecture.fusion {fusion!r} combines several input modalities, but this spec "
            f"has one input ({spec.modality.inputs[0]}); the fusion setting is ignored",
        )


def collect_warnings(
    spec: Spec, positions: Positions | None = None, source: str | None = None
) -> list[SpecWarning]:
    """Run every registered check; locate the findings when ``positions`` are known."""
    found: list[SpecWarning] = []
    for check in WARNING_CHECKS:
        for path, message in check(spec):
            where = positions.locate(path) if positions is not None else None
            line, column = where if where is not None else (None, None)
            found.append(SpecWarning(dotted(path), message, source, line, column))
    return found
