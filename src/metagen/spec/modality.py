"""The ``modality`` section: what goes in, what comes out, and per-modality parameters.

A new parameter group (audio, video, ...) is one more ``SpecModel`` here and one more
optional field on ``Modality``; ``Modality.params(name)`` finds it by modality name.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from metagen.spec.errors import InvalidValue
from metagen.spec.fields import OneOf, SpecModel, UniqueList, YamlFloat
from metagen.spec.vocab import (
    IMAGE_PRESETS,
    INPUT_MODALITIES,
    KNOWN_OUTPUT_MODALITIES,
    TOKENIZERS,
)

InputModality = Annotated[str, OneOf(INPUT_MODALITIES, "input modality")]
ImagePreset = Annotated[str, OneOf(tuple(IMAGE_PRESETS), "image preset")]

# Patch sizes that published ViTs use; suggested when a patch size does not fit.
_COMMON_PATCHES = (8, 14, 16, 32)
# A trained BPE holds the 256 bytes and four specials (<s>, </s>, <pad>, <mask>: the runtime's
# BPE_SPECIALS) before any merge; a million ids is past any published vocabulary.
BPE_MIN_VOCAB = 260
BPE_MAX_VOCAB = 1_000_000


class TextParams(SpecModel):
    """Parameters of the text modality."""

    tokenizer: Annotated[str, OneOf(TOKENIZERS, "tokenizer")] = Field(
        "byte",
        description="Tokenizer. 'byte' reads raw UTF-8 bytes and needs no download; 'bpe' "
        "trains a byte-level BPE of vocab_size tokens on the training text.",
    )
    vocab_size: int | None = Field(
        None,
        ge=2,
        description="Vocabulary size: the model's embedding rows; with tokenizer 'bpe' also "
        "the BPE's size. null derives it from the tokenizer.",
    )

    @model_validator(mode="after")
    def _bpe_has_a_size(self) -> TextParams:
        if self.tokenizer != "bpe":
            return self
        if self.vocab_size is None:
            raise InvalidValue(
                "tokenizer 'bpe' needs modality.text.vocab_size, the number of tokens to train",
                "Add vocab_size (for example 8000), or use tokenizer 'byte'",
                at=("tokenizer",),
            )
        if not BPE_MIN_VOCAB <= self.vocab_size <= BPE_MAX_VOCAB:
            raise InvalidValue(
                f"vocab_size {self.vocab_size} does not fit a byte-level BPE, which needs "
                f"{BPE_MIN_VOCAB} ids (256 bytes and 4 specials) and at most {BPE_MAX_VOCAB:,}",
                f"Set vocab_size between {BPE_MIN_VOCAB} and {BPE_MAX_VOCAB}",
                at=("vocab_size",),
            )
        return self


def resolve_image_size(preset: str | None, image_size: int | None) -> int | None:
    """The input resolution in pixels: the explicit size, else the preset's, else None."""
    if image_size is not None:
        return image_size
    return IMAGE_PRESETS.get(preset) if preset is not None else None


class ImageParams(SpecModel):
    """Parameters of the image modality (square images)."""

    preset: ImagePreset | None = Field(
        None,
        description="Size preset: imagenet and clip are 224 px, sd 512 px, sd_xl 1024 px.",
    )
    image_size: int | None = Field(
        None, ge=8, le=4096, description="Side of the square input image, in pixels."
    )
    patch_size: int | None = Field(
        None, ge=1, description="Side of a ViT patch in pixels; must divide the image size."
    )
    channels: int = Field(3, ge=1, le=16, description="Colour channels: 3 for RGB, 1 for grey.")

    @field_validator("image_size")
    @classmethod
    def _size_agrees_with_preset(cls, size: int | None, info: ValidationInfo) -> int | None:
        preset = info.data.get("preset")
        if size is None or preset is None or IMAGE_PRESETS[preset] == size:
            return size
        raise InvalidValue(
            f"image_size {size} contradicts preset {preset!r}, which means "
            f"{IMAGE_PRESETS[preset]} px",
            "Keep either the preset or image_size, not both",
        )

    @field_validator("patch_size")
    @classmethod
    def _patch_divides_image(cls, patch: int | None, info: ValidationInfo) -> int | None:
        size = resolve_image_size(info.data.get("preset"), info.data.get("image_size"))
        if patch is None or size is None or size % patch == 0:
            return patch
        fits = [p for p in _COMMON_PATCHES if size % p == 0]
        fits = fits or [p for p in range(2, min(size, 64) + 1) if size % p == 0][:4]
        return _raise_patch(patch, size, fits)

    @property
    def effective_image_size(self) -> int | None:
        """The resolution in pixels, from image_size or the preset; None if neither is set."""
        return resolve_image_size(self.preset, self.image_size)


class AudioParams(SpecModel):
    """Parameters of the audio modality (mono waveforms, log-mel features)."""

    sample_rate: int = Field(16000, ge=1000, le=192000, description="Samples per second.")
    n_mels: int = Field(
        80, ge=8, le=512, description="Mel filterbank bins of the log-mel frontend."
    )
    hop_length: int = Field(256, ge=16, le=8192, description="Samples between spectrogram frames.")
    clip_seconds: float | None = Field(
        None, gt=0, le=3600, description="Length of one training clip in seconds; null: chosen."
    )


def _parse_resolution(value: object) -> object:
    # "256x256" or 256 (square) -> [height, width]
    if isinstance(value, int) and not isinstance(value, bool):
        return [value, value]
    if isinstance(value, str):
        parts = value.lower().replace(" ", "").split("x")
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            return [int(parts[0]), int(parts[1])]
        raise InvalidValue(
            f"resolution {value!r} is not HEIGHTxWIDTH", 'Write it like "256x256", or one number'
        )
    return value


class VideoParams(SpecModel):
    """Parameters of the video modality."""

    num_frames: int = Field(16, ge=1, le=1024, description="Frames per clip.")
    frame_rate: int = Field(8, ge=1, le=240, description="Frames per second.")
    resolution: Annotated[
        list[Annotated[int, Field(ge=8, le=4096)]], BeforeValidator(_parse_resolution)
    ] = Field(
        default_factory=lambda: [256, 256],
        min_length=2,
        max_length=2,
        description='Frame size as "HEIGHTxWIDTH" (e.g. "256x256") or one number for square.',
    )


class TimeSeriesParams(SpecModel):
    """Parameters of the time-series modality (one series, one or more variables per step)."""

    channels: int = Field(
        1,
        ge=1,
        le=1024,
        description="Variables per time step the model reads; 1 reads the target alone.",
    )
    target: str | None = Field(
        None,
        min_length=1,
        description="The CSV column to forecast; null: the last value column.",
    )
    season_length: int | None = Field(
        None,
        ge=1,
        description="Steps per season, for the seasonal-naive baseline and the synthetic "
        "series; null: detected from the data (synthetic series: 24, at most lookback / 2).",
    )


class TabularParams(SpecModel):
    """Parameters of the tabular modality (rows of numeric features, one target column)."""

    num_features: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="Numeric feature columns per row; null: 16 (the data's count is used when "
        "training on a CSV).",
    )
    target: str | None = Field(
        None,
        min_length=1,
        description="The CSV column to predict (a class, a number or a relevance grade); "
        "null: the last column.",
    )


class SensorParams(SpecModel):
    """Parameters of the sensor modality: multichannel readings at a fixed sample rate (an
    IMU's 6 axes, joint encoders, force sensors), read in windows."""

    channels: int = Field(6, ge=1, le=1024, description="Readings per time step.")
    sample_rate: YamlFloat = Field(
        100.0, gt=0, le=1_000_000, description="Time steps per second (Hz)."
    )
    window: int = Field(
        128, ge=2, le=100_000, description="Time steps one sample holds (window / sample_rate s)."
    )


def _raise_patch(patch: int, size: int, fits: list[int]) -> int:
    hint = f"Choose a divisor of {size}, such as {', '.join(map(str, fits))}"
    raise InvalidValue(f"patch_size {patch} does not divide the image size {size}", hint)


class Modality(SpecModel):
    """What the model reads and what it produces."""

    inputs: UniqueList[InputModality] = Field(
        min_length=1,
        description=f"Input modalities, at least one of: {', '.join(INPUT_MODALITIES)}.",
    )
    outputs: UniqueList[str] = Field(
        min_length=1,
        description=(
            f"Output modalities: {', '.join(KNOWN_OUTPUT_MODALITIES)}. Any other value is "
            "kept with a warning and approximated on a best-effort basis."
        ),
    )
    text: TextParams | None = Field(None, description="Text parameters.")
    image: ImageParams | None = Field(None, description="Image parameters.")
    audio: AudioParams | None = Field(None, description="Audio parameters.")
    video: VideoParams | None = Field(None, description="Video parameters.")
    tabular: TabularParams | None = Field(None, description="Tabular parameters.")
    time_series: TimeSeriesParams | None = Field(None, description="Time-series parameters.")
    sensor: SensorParams | None = Field(None, description="Sensor parameters.")

    def params(self, modality: str) -> SpecModel | None:
        """The parameter group of a modality ('text', 'image', ...), None if not given."""
        group = getattr(self, modality, None) if modality in type(self).model_fields else None
        return group if isinstance(group, SpecModel) else None

    @property
    def image_size(self) -> int | None:
        """The effective image resolution, None when no image size or preset is given."""
        return self.image.effective_image_size if self.image is not None else None
