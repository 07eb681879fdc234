"""The Blueprint: what the handlers decided and the solver fixed, before any module exists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metagen.blueprint.counts import count_flops
from metagen.blueprint.sample import sample_of


class PlanError(Exception):
    """The spec is valid but cannot be planned: an impossible budget, an unknown variant, or a
    capability that is not built yet. The message is one paragraph that says how to fix it."""


@dataclass
class ScaleConfig:
    """Everything one scale of a run needs: the model dims, the data shape and the training knobs."""

    model: dict[str, Any]
    data: dict[str, Any]
    train: dict[str, Any]


@dataclass
class Blueprint:
    """A model described by numbers. Handlers fill it, the solver fixes `scales["full"].model`."""

    name: str
    seed: int
    family: str
    # Which model class builds it (a key of nn.registry.ARCHITECTURES) and which task trains it.
    arch: str = ""
    task: str = ""
    modality_inputs: list[str] = field(default_factory=list)
    modality_outputs: list[str] = field(default_factory=list)
    # Dims the handlers fixed; the solver fills the rest (width, depth, heads).
    fixed_dims: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    # Smoke-scale data settings that depend on the input, over the task's smoke data sizes
    # (tasks/<task>/defaults.py; a text classifier's shorter windows); the full scale reads
    # `data`.
    smoke_data: dict[str, Any] = field(default_factory=dict)
    # Training settings the task handler chose for this spec (an agent's algorithm and its
    # settings), over the task's defaults at both scales; the spec's training block overrides
    # them at the full scale.
    train_settings: dict[str, Any] = field(default_factory=dict)
    # Smoke-scale training settings over train_settings (a pixel agent's shorter rollouts).
    smoke_train: dict[str, Any] = field(default_factory=dict)
    # Smoke-scale dims over the arch's smoke_dims, where the task needs them (a VLM that
    # writes code keeps the context its code fills).
    smoke_model: dict[str, Any] = field(default_factory=dict)
    variant: str | None = None
    # Exact dims from the spec's architecture.dims (an imported checkpoint's); None: solve.
    given_dims: dict[str, Any] | None = None
    budget_max: int | None = None
    budget_min: int | None = None
    memory_budget: int | None = None
    device: str | None = None
    context_length: int | None = None
    # The spec's constraints.latency (spec.units.Latency), and the full scale's data config
    # as the solver sees it, for the latency estimate of each candidate shape.
    latency: Any = None
    sample_data: dict[str, Any] = field(default_factory=dict)
    # Which constraint fixed the model's size, in words, for the plan.
    binding: str = ""
    # What the solver and the handlers decided, in words, for the plan.
    decisions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # How outputs MetaGen does not support are approximated (limitations.md lists them).
    approximations: list[str] = field(default_factory=list)
    # Generated-architecture bullets (name, what it is), from the modality handler.
    components: list[tuple[str, str]] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    loss: str = ""
    scales: dict[str, ScaleConfig] = field(default_factory=dict)

    @property
    def dims(self) -> dict[str, Any]:
        """The solved full-scale model dims."""
        return self.scales["full"].model

    def to_config(self) -> dict[str, Any]:
        """The `config.json` of the generated package (see docs/internals.md)."""
        return {
            "name": self.name,
            "seed": self.seed,
            "arch": self.arch,
            "task": self.task,
            "family": self.family,
            "variant": self.variant,
            # the spec's target device, where it names one: train.py warns on a slower one
            **({"device": self.device} if self.device else {}),
            "scales": {
                name: {"model": s.model, "data": s.data, "train": _with_flops(self.arch, s)}
                for name, s in self.scales.items()
            },
        }


def _with_flops(arch: str, scale: ScaleConfig) -> dict[str, Any]:
    """A scale's train settings, and its model's forward FLOPs per sample: train.py's
    estimate of a run's length reads them."""
    sample, _ = sample_of(scale.data, scale.model)
    return {**scale.train, "flops_per_sample": count_flops(arch, scale.model, **sample)}
