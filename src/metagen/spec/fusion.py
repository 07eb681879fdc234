"""The ``fusion`` section: a model with an encoder per input modality and a strategy that
combines them (the fusion guide's system). Checks that read other sections (the inputs, the
modality weights' names, architecture.fusion) live in schema.py's Spec validator."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from metagen.spec.errors import InvalidValue
from metagen.spec.fields import OneOf, SpecModel, YamlFloat
from metagen.spec.vocab import (
    FUSION_ALIGNMENTS,
    FUSION_ENCODERS,
    FUSION_MODALITY_WEIGHTS,
    FUSION_STRATEGIES,
)

SPIKING_ENCODERS = ("lif", "cfc_lif")


class SpikingParams(SpecModel):
    """The LIF layers of a spiking encoder (fusion.encoder lif or cfc_lif)."""

    beta: YamlFloat = Field(
        0.9, ge=0, le=1, description="Membrane decay per step, 0 to 1 (1 never leaks)."
    )
    threshold: YamlFloat = Field(1.0, gt=0, description="Membrane potential that fires a spike.")
    num_spike_steps: int = Field(
        8,
        ge=1,
        le=256,
        description="Steps each input is presented for; spikes are counted over them.",
    )


class Fusion(SpecModel):
    """How the per-modality encoders' features are combined."""

    strategy: Annotated[str, OneOf(FUSION_STRATEGIES, "fusion strategy")] = Field(
        "hybrid",
        description="early (one joint encoder from the start), late (a head per modality, "
        "combined at the end), hybrid (cross-attention between the modality encoders, then "
        "fused), hierarchical (pairs, then all, over levels) or cross_attention (queries "
        "from the first input over the others).",
    )
    fusion_dim: int | None = Field(
        None, ge=8, le=8192, description="Width of the fused features; null: the solver's."
    )
    heads: int = Field(4, ge=1, le=128, description="Attention heads; must divide fusion_dim.")
    encoder: Annotated[str, OneOf(FUSION_ENCODERS, "fusion encoder")] = Field(
        "transformer",
        description="The per-modality encoder over time: transformer, cfc (closed-form "
        "continuous-time cells), lif (spiking) or cfc_lif (spiking layers into CfC cells).",
    )
    modality_dropout: YamlFloat = Field(
        0.0,
        ge=0,
        lt=1,
        description="Chance of dropping each input modality of a training sample (never all); "
        "0 to below 1.",
    )
    modality_weights: str | dict[str, YamlFloat] = Field(
        "learnable",
        description="How much each modality counts in the fusion: learnable, fixed (equal), "
        "or a map from input modality to a fixed positive weight.",
    )
    align: Annotated[str, OneOf(FUSION_ALIGNMENTS, "alignment")] = Field(
        "none",
        description="Temporal alignment of time-based inputs (audio, video, time_series, "
        "sensor): none, or resample each to align_steps steps.",
    )
    align_steps: int | None = Field(
        None, ge=2, le=100_000, description="Steps every time-based input is resampled to."
    )
    spiking: SpikingParams | None = Field(
        None, description="LIF settings, for encoder lif or cfc_lif; null: their defaults."
    )

    @field_validator("modality_weights")
    @classmethod
    def _weights_are_a_mode_or_positive(cls, weights: str | dict[str, float]):
        if isinstance(weights, str):
            if weights not in FUSION_MODALITY_WEIGHTS:
                raise InvalidValue(
                    f"modality_weights {weights!r} is not a way to weigh modalities",
                    f"Write {' or '.join(FUSION_MODALITY_WEIGHTS)}, or a map from input "
                    "modality to a positive weight",
                )
            return weights
        for name, weight in weights.items():
            if weight <= 0:
                raise InvalidValue(
                    f"the weight of {name} is {weight}, and a weight must be positive",
                    "Give it a weight above 0, or leave the modality out of modality.inputs",
                    at=(name,),
                )
        return weights

    @model_validator(mode="after")
    def _settings_agree(self) -> Fusion:
        if self.fusion_dim is not None and self.fusion_dim % self.heads:
            raise InvalidValue(
                f"heads {self.heads} does not divide fusion_dim {self.fusion_dim}",
                "Choose heads that divide fusion_dim (for example 4 or 8 for 256)",
                at=("heads",),
            )
        if self.align == "resample" and self.align_steps is None:
            raise InvalidValue(
                "align 'resample' needs align_steps, the steps every time-based input is "
                "resampled to",
                "Add align_steps (for example 64), or set align: none",
                at=("align",),
            )
        if self.align != "resample" and self.align_steps is not None:
            raise InvalidValue(
                f"align_steps {self.align_steps} is read only with align 'resample'",
                "Set align: resample, or remove align_steps",
                at=("align_steps",),
            )
        if self.strategy == "early" and self.encoder != "transformer":
            raise InvalidValue(
                f"early fusion encodes every modality's tokens together, with attention that "
                f"skips a missing modality's tokens; encoder {self.encoder!r} would read them "
                "in order, missing ones included",
                "Set encoder: transformer, or choose another strategy",
                at=("encoder",),
            )
        if self.spiking is not None and self.encoder not in SPIKING_ENCODERS:
            raise InvalidValue(
                f"spiking settings are read only by a spiking encoder, and encoder is "
                f"{self.encoder!r}",
                f"Set encoder to {' or '.join(SPIKING_ENCODERS)}, or remove spiking",
                at=("spiking",),
            )
        return self
