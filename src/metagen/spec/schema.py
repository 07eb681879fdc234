"""The spec language v1.0: one pydantic model per section, descriptions written once here.

Only defaults that the spec layer owns live here (version, seed, task type, tokenizer,
channels, precision). Everything else defaults to None and is chosen later by the
handlers and the solver, so no default is written in two places.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from metagen.spec.data import Data, data_problem
from metagen.spec.errors import InvalidValue, SpecWarning
from metagen.spec.fields import OneOf, SafeName, SpecModel, SpecVersion, UniqueList, YamlFloat
from metagen.spec.fusion import Fusion
from metagen.spec.modality import Modality
from metagen.spec.stages import TrainingStage, check_stages
from metagen.spec.task_rules import task_problems
from metagen.spec.train_rules import check_train_rules
from metagen.spec.units import (
    ByteSize,
    ContextLength,
    LatencyTarget,
    ParamCount,
    format_param_count,
)
from metagen.spec.vocab import (
    ACTION_SPACES,
    DEVICES,
    FAMILIES,
    FUSIONS,
    GRAPH_READOUTS,
    LATENCY_LABELS,
    OBJECTIVES,
    PRECISIONS,
    SPEC_VERSIONS,
    TASK_TYPES,
    TIME_INPUTS,
)

# Sections that a user may leave empty (`training:` with nothing under it means defaults).
_SECTIONS = ("task", "constraints", "training", "architecture")


# torch.manual_seed overflows past 2^64 and the data seeds derive 2 * seed + 1: a 32-bit
# seed keeps every random generator in range.
MAX_SEED = 2**32 - 1


class Task(SpecModel):
    """What the model is trained to do."""

    type: Annotated[str, OneOf(TASK_TYPES, "task type")] = Field(
        "generation", description="Task type; selects the head, loss, metrics and data."
    )
    domain: str = Field("generic", description="Application domain, free text (e.g. finance).")
    num_classes: int | None = Field(
        None,
        ge=1,
        description="Number of target classes; a detector needs at least 1, a classifier at "
        "least 2 to choose between.",
    )
    horizon: int | None = Field(
        None, ge=1, description="Forecast horizon in time steps; at least 1 step ahead."
    )
    lookback: int | None = Field(
        None, ge=1, description="Time steps of history the model sees; at least 1."
    )
    algorithm: str | None = Field(None, description="Algorithm name, e.g. ppo, dqn, sac.")
    action_space: Annotated[str, OneOf(ACTION_SPACES, "action space")] | None = Field(
        None, description="Reinforcement learning action space: discrete or continuous."
    )
    num_actions: int | None = Field(
        None, ge=1, description="Number of discrete actions; an agent needs at least 1."
    )
    environment: str | None = Field(
        None,
        description="Reinforcement learning: the gymnasium environment id the agent acts in, "
        "e.g. CartPole-v1; it fixes the observation and action spaces.",
    )
    readout: Annotated[str, OneOf(GRAPH_READOUTS, "graph readout")] | None = Field(
        None,
        description="Graph classification: how a graph's node vectors pool into one, sum, "
        "mean or attention (null: attention).",
    )


class ParameterBudget(SpecModel):
    """Bounds on the total number of trainable parameters."""

    max: ParamCount = Field(
        description='Most parameters allowed, e.g. "86M", "8B", "1.5T", "125k", 86000000.'
    )
    min: ParamCount | None = Field(
        None, description="Fewest parameters wanted; null means no lower bound."
    )

    @field_validator("min")
    @classmethod
    def _min_not_above_max(cls, low: int | None, info: ValidationInfo) -> int | None:
        high = info.data.get("max")
        if low is not None and high is not None and low > high:
            raise InvalidValue(
                f"min ({format_param_count(low)}) is larger than max ({format_param_count(high)})",
                "Set min at most max, or remove min",
            )
        return low


class Constraints(SpecModel):
    """The budget the architecture must fit."""

    parameter_budget: ParameterBudget | None = Field(
        None, description="Parameter count bounds: {max: ..., min: ...}."
    )
    context_window: ContextLength | None = Field(
        None,
        description=(
            'Longest sequence in tokens: 4096, "32k", "256k", "1M". Here k = 1024 and '
            "M = 1048576, since context windows are quoted in powers of two."
        ),
    )
    latency: LatencyTarget | None = Field(
        None,
        description=(
            f"Latency target: one of {', '.join(LATENCY_LABELS)}, or a duration per "
            'sample such as "20ms" or "1.5s" (kept as the label and/or milliseconds).'
        ),
    )
    memory_budget: ByteSize | None = Field(
        None,
        description='Memory available: "12GB" (SI, 10^9 bytes), "16GiB" (2^30 bytes), bytes.',
    )
    device: Annotated[str, OneOf(DEVICES, "device")] | None = Field(
        None, description=f"Target device: {', '.join(DEVICES)}."
    )


class Training(SpecModel):
    """How to train. Unset hyper-parameters are chosen by the solver for the budget."""

    objective: UniqueList[Annotated[str, OneOf(OBJECTIVES, "training objective")]] = Field(
        default_factory=list,
        description=f"Training objectives, any of: {', '.join(OBJECTIVES)}.",
    )
    steps: int | None = Field(None, ge=1, description="Optimizer steps; at least 1.")
    batch_size: int | None = Field(None, ge=1, description="Samples per step; at least 1.")
    learning_rate: YamlFloat | None = Field(
        None, gt=0, description="Peak learning rate, e.g. 3e-4; must be above 0."
    )
    weight_decay: YamlFloat | None = Field(
        None, ge=0, description="AdamW weight decay, e.g. 0.1; 0 or more."
    )
    warmup_steps: int | None = Field(
        None, ge=0, description="Linear warm-up steps before the peak learning rate; 0 or more."
    )
    precision: Annotated[str, OneOf(PRECISIONS, "precision")] = Field(
        "auto", description="Numeric precision; auto picks bf16 where the device supports it."
    )
    stages: list[TrainingStage] | None = Field(
        None,
        description="Progressive training: stages run in order, each training the parts it "
        "names while the rest stay frozen; their steps add up to training.steps. null: one "
        "stage that trains everything.",
    )

    @field_validator("stages")
    @classmethod
    def _stages_add_up(cls, stages: list[TrainingStage] | None, info: ValidationInfo):
        if stages is not None:
            check_stages(stages, info.data.get("steps"))
        return stages


class Architecture(SpecModel):
    """The architecture family, and optionally a named published variant."""

    family: Annotated[str, OneOf(FAMILIES, "architecture family")] | None = Field(
        None, description=f"Architecture family: {', '.join(FAMILIES)}."
    )
    variant: str | None = Field(
        None,
        description="Named variant (vit_b_16, gpt2, resnet50, ...), checked by the blueprint "
        "stage against its catalog.",
    )
    dims: dict[str, int | float | bool | str | list[int] | list[float] | list[str]] | None = Field(
        None,
        description="Exact model dims, every field of the architecture's config (as `metagen "
        "import` writes them for a checkpoint); the solver keeps them as given, and fields left "
        "out take the config's defaults. Not together with a published variant.",
    )
    fusion: Annotated[str, OneOf(FUSIONS, "fusion strategy")] | None = Field(
        None,
        description="How a multi-modal model combines text and image: early (image tokens "
        "before the text in one sequence), cross_attention (text layers attend to image "
        "tokens), late (combine at the final layers) or contrastive (align separate encoders); "
        "null picks by training.objective (contrastive -> contrastive, else early).",
    )


class Spec(SpecModel):
    """A MetaGen model spec, version 1.0."""

    metagen_version: Annotated[str, SpecVersion(SPEC_VERSIONS)] = Field(
        "1.0", description="Spec language version; only 1.0 exists."
    )
    name: SafeName = Field(
        description="Model name; names directories and Python modules, so only letters, "
        "digits, '.', '_' and '-' (no '..'), at most 128 characters."
    )
    description: str | None = Field(None, description="Free text about the model.")
    seed: int = Field(
        0,
        ge=0,
        le=MAX_SEED,
        description="Random seed, 0 to 4294967295; the same seed gives the same run.",
    )
    modality: Modality = Field(description="Input and output modalities.")
    task: Task = Field(default_factory=Task, description="The task; default generation.")
    constraints: Constraints = Field(default_factory=Constraints, description="The budget.")
    training: Training = Field(default_factory=Training, description="Training settings.")
    architecture: Architecture = Field(
        default_factory=Architecture, description="Architecture family and variant."
    )
    fusion: Fusion | None = Field(
        None,
        description="An encoder per input modality and how their features combine (two or "
        "more inputs); null: no fusion system.",
    )
    data: Data | None = Field(
        None,
        description="The user's data: its path, column or key names, and train, validation "
        "and test files or shares; null: --data and each reader's defaults.",
    )

    _warnings: list[SpecWarning] = PrivateAttr(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _empty_sections_mean_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(data.get(key, {}) is None for key in _SECTIONS):
            return {k: ({} if k in _SECTIONS and v is None else v) for k, v in data.items()}
        return data

    @field_validator("task")
    @classmethod
    def _task_fields_make_sense(cls, task: Task, info: ValidationInfo) -> Task:
        # Fields a task type does not read, and inputs it cannot read (spec/task_rules.py).
        modality = info.data.get("modality")
        problems = task_problems(task, modality.inputs if modality is not None else None)
        if problems:
            first = problems[0]
            raise InvalidValue(first.summary, first.hint, at=first.at)
        return task

    @field_validator("fusion")
    @classmethod
    def _fusion_fits_the_inputs(cls, fusion: Fusion | None, info: ValidationInfo):
        modality, architecture = info.data.get("modality"), info.data.get("architecture")
        if fusion is None or modality is None:
            return fusion
        fusion_problem(fusion, list(modality.inputs), architecture)
        return fusion

    @field_validator("data")
    @classmethod
    def _data_fits_the_task(cls, data: Data | None, info: ValidationInfo) -> Data | None:
        modality, task = info.data.get("modality"), info.data.get("task")
        if data is None or modality is None or task is None:
            return data
        data_problem(data, task.type, list(modality.inputs))
        for name in ("tabular", "time_series"):
            params = getattr(modality, name)
            given = params.target if params is not None else None
            if data.target is not None and given is not None and given != data.target:
                raise InvalidValue(
                    f"target {data.target!r} and modality.{name}.target {given!r} name "
                    "different columns to predict",
                    "Keep one of them, or make them agree",
                    at=("target",),
                )
        return data

    @model_validator(mode="after")
    def _trains_as_written(self) -> Spec:
        # Rules between sections that `metagen train` enforces (spec/train_rules.py).
        check_train_rules(self)
        return self

    @property
    def warnings(self) -> list[SpecWarning]:
        """Warnings found when the spec was loaded (unsupported outputs, advice)."""
        return self._warnings


def fusion_problem(fusion: Fusion, inputs: list[str], architecture: Architecture | None) -> None:
    """Raise the first way the fusion section contradicts the rest of the spec."""
    if len(inputs) < 2:
        raise InvalidValue(
            f"a fusion section combines several input modalities, but modality.inputs has "
            f"one ({inputs[0]})",
            "Add the other inputs to modality.inputs, or remove the fusion section",
            at=("strategy",),
        )
    if architecture is not None and architecture.fusion is not None:
        raise InvalidValue(
            f"architecture.fusion {architecture.fusion!r} and the fusion section both say how "
            "the inputs combine (architecture.fusion: a vision-language or CLIP model; the "
            "fusion section: an encoder per modality)",
            "Keep one of them",
            at=("strategy",),
        )
    if isinstance(fusion.modality_weights, dict):
        weights = fusion.modality_weights
        for name in weights:
            if name not in inputs:
                raise InvalidValue(
                    f"{name!r} is not one of modality.inputs ({', '.join(inputs)})",
                    "Weigh only the spec's inputs",
                    at=("modality_weights", name),
                )
        missing = [name for name in inputs if name not in weights]
        if missing:
            raise InvalidValue(
                f"modality_weights gives no weight to {', '.join(missing)}",
                "Give every input modality a weight, or write learnable or fixed",
                at=("modality_weights",),
            )
    timed = [name for name in inputs if name in TIME_INPUTS]
    if fusion.align == "resample" and not timed:
        raise InvalidValue(
            f"align 'resample' resamples time-based inputs ({', '.join(TIME_INPUTS)}), and "
            f"modality.inputs has none ({', '.join(inputs)})",
            "Set align: none",
            at=("align",),
        )
