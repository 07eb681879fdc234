"""`training.stages`: progressive training, one stage after another, each training some of the
model's parts while the rest stay frozen (the fusion guide's encoders, then fusion with
frozen encoders, then everything). Which parts an architecture has is the planner's to check
(its registry row's stage_groups); this module checks what the section says by itself."""

from __future__ import annotations

from pydantic import Field, field_validator

from metagen.spec.errors import InvalidValue
from metagen.spec.fields import SafeName, SpecModel, YamlFloat

ALL_PARTS = "all"


class TrainingStage(SpecModel):
    """One stage: its steps, and the parts of the model that learn in it."""

    name: SafeName = Field(description="The stage's name, as the metrics and the log show it.")
    steps: int = Field(ge=1, description="Optimizer steps of this stage at the full scale.")
    train: str | list[str] = Field(
        ALL_PARTS,
        description="The parts of the model that learn (for the fusion network: preprocess, "
        "encoders, fusion, head), or all; every other part is frozen.",
    )
    learning_rate: YamlFloat | None = Field(
        None, gt=0, description="This stage's peak learning rate; null: the run's."
    )
    inputs: list[str] | None = Field(
        None,
        description="The inputs this stage feeds the model; the others are left out (for a "
        "vision-language model, [text]: the language model alone, on the text). Null: every "
        "input.",
    )

    @field_validator("inputs")
    @classmethod
    def _some_inputs(cls, inputs: list[str] | None) -> list[str] | None:
        if inputs is not None and not inputs:
            raise InvalidValue(
                "inputs lists no input, so the model would read nothing",
                "Name the inputs this stage feeds, or remove inputs to feed them all",
            )
        if inputs is not None and len(set(inputs)) != len(inputs):
            raise InvalidValue(f"inputs names an input twice: {inputs}", "Name each input once")
        return inputs

    @field_validator("train")
    @classmethod
    def _parts_or_all(cls, train: str | list[str]) -> str | list[str]:
        if isinstance(train, str):
            if train != ALL_PARTS:
                raise InvalidValue(
                    f"train {train!r} is neither {ALL_PARTS!r} nor a list of parts",
                    f"Write train: {ALL_PARTS}, or a list such as [encoders, head]",
                )
            return train
        if not train:
            raise InvalidValue(
                "train lists no part, so the stage would change nothing",
                f"Name the parts that learn, or write train: {ALL_PARTS}",
            )
        if len(set(train)) != len(train):
            raise InvalidValue(f"train names a part twice: {train}", "Name each part once")
        return train


def check_stages(stages: list[TrainingStage], steps: int | None) -> None:
    """Raise if the stages' names repeat, or their steps do not add up to training.steps."""
    names = [stage.name for stage in stages]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise InvalidValue(
                f"two stages are named {name!r}", "Give each stage its own name", at=(index,)
            )
    total = sum(stage.steps for stage in stages)
    if steps is not None and steps != total:
        raise InvalidValue(
            f"training.steps is {steps}, and the stages' steps add up to {total}",
            f"Remove training.steps (the stages set it), or make it {total}",
        )
