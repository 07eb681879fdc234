"""Reusable field types: closed vocabularies, unique lists, safe names, YAML-proof floats.

Each raises ``InvalidValue`` with the accepted values, so every error says how to fix it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from annotated_types import GroupedMetadata
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from metagen.spec.errors import InvalidValue
from metagen.spec.units import show

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
NAME_HINT = (
    "A name may use only letters A-Z and a-z, digits 0-9, '.', '_' and '-', must start "
    "with a letter or digit, must not contain '..' and has at most 128 characters, "
    'because it names directories and Python modules; for example name: "my_model-v2"'
)
_NAME = re.compile(NAME_PATTERN)
_Item = TypeVar("_Item")


def accepted(values: Sequence[str], given: Any = None) -> str:
    """'Did you mean ...? Accepted values: a, b, c' for an error hint."""
    hint = f"Accepted values: {', '.join(values)}"
    if isinstance(given, str):
        close = difflib.get_close_matches(given.lower(), values, n=1, cutoff=0.6)
        if close:
            hint = f"Did you mean {close[0]!r}? {hint}"
    return hint


@dataclass(frozen=True)
class OneOf(GroupedMetadata):
    """``Annotated[str, OneOf(values, what)]``: text from ``values``; ``what`` names it."""

    values: tuple[str, ...]
    what: str

    def __iter__(self) -> Iterator[object]:
        # pydantic unpacks grouped metadata in order, as if both were written in the Annotated.
        yield BeforeValidator(self._check)
        yield WithJsonSchema({"type": "string", "enum": list(self.values)}, mode="validation")

    def _check(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise InvalidValue(
                f"{self.what} must be text, got {show(value)}", accepted(self.values)
            )
        if value not in self.values:
            raise InvalidValue(f"unknown {self.what} {show(value)}", accepted(self.values, value))
        return value


def _check_unique(items: list[Any]) -> list[Any]:
    seen = set()
    for item in items:
        if item in seen:
            raise InvalidValue(f"{show(item)} is listed twice", "List each value once")
        seen.add(item)
    return items


# ``UniqueList[X]``: a list of ``X`` in which no value appears twice.
UniqueList = Annotated[list[_Item], AfterValidator(_check_unique)]


def _check_name(value: Any) -> Any:
    if not isinstance(value, str):
        summary = f"the name must be text, got {show(value)}; put it in quotes"
        raise InvalidValue("the name is empty" if value is None else summary, NAME_HINT)
    bad = sorted({c for c in value if not re.match(r"[A-Za-z0-9._-]", c)})
    if bad:
        listed = " ".join(repr(c) for c in bad)
        raise InvalidValue(f"the name {show(value)} contains {listed}", NAME_HINT)
    if not _NAME.match(value) or ".." in value:
        raise InvalidValue(f"the name {show(value)} is not allowed", NAME_HINT)
    return value


SafeName = Annotated[
    str,
    BeforeValidator(_check_name),
    WithJsonSchema({"type": "string", "pattern": NAME_PATTERN}, mode="validation"),
]


def _yaml_float(value: Any) -> Any:
    # PyYAML (YAML 1.1) reads 3e-4 without a dot as a string; accept it as the number it is.
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return value
    return value


YamlFloat = Annotated[float, BeforeValidator(_yaml_float), Field(allow_inf_nan=False)]


def _version_text(value: Any) -> Any:
    # `metagen_version: 1.0` without quotes is a float in YAML; it means the text "1.0".
    if isinstance(value, float) and not isinstance(value, bool):
        return repr(value)
    return value


@dataclass(frozen=True)
class SpecVersion(GroupedMetadata):
    """``Annotated[str, SpecVersion(versions)]``: text (or an unquoted 1.0) from ``versions``."""

    versions: tuple[str, ...]

    def __iter__(self) -> Iterator[object]:
        yield BeforeValidator(self._check)
        yield BeforeValidator(_version_text)
        yield WithJsonSchema({"type": "string", "enum": list(self.versions)}, mode="validation")

    def _check(self, value: Any) -> Any:
        if value not in self.versions:
            raise InvalidValue(
                f"unsupported metagen_version {show(value)}",
                f"This MetaGen reads spec version {', '.join(self.versions)}; write "
                f'metagen_version: "{self.versions[-1]}"',
            )
        return value


class SpecModel(BaseModel):
    """Base of every spec section: unknown keys are errors, and no silent type coercion.

    ``strict`` stops "5" becoming 5 or true becoming 1; fields that should accept text
    (units, YAML-1.1 floats) convert it explicitly in a BeforeValidator.
    """

    model_config = ConfigDict(extra="forbid", strict=True, validate_default=False)
