"""Quantities written the way people write them: "86M" params, "256k" tokens, "12GB", "20ms".

All parsing is exact: the number is read as a ``Fraction`` and multiplied by an integer
unit, so "1.5T" is 1_500_000_000_000 with no float rounding. The Annotated types at the end
plug the parsers into the schema, so the parsed field holds a plain ``int``.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from metagen.spec.errors import InvalidValue
from metagen.spec.vocab import LATENCY_LABELS

# A decimal number in ASCII digits, with optional "_" digit grouping, then a unit.
_QUANTITY = re.compile(
    r"^\s*(?P<number>[+-]?(?:[0-9]+(?:_[0-9]+)*(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"\s*(?P<unit>[^0-9\s.+-][^\s]*)?\s*$"
)
# The range of magnitudes MetaGen reads: the planner's float arithmetic stays finite, and
# exact arithmetic on the number stays fast (a huge exponent would make it hang).
_LIMIT_EXPONENT = 300
RANGE_HINT = "Numbers must be under 1e300 and, unless zero, at least 1e-300"
_MAX_CHARS = 100  # of a quantity: no spec needs more, and long digit strings are slow

# Parameter counts. "m" is million, as in "opt-125m": there are no milli-parameters, so
# suffixes are case-insensitive. "G" (giga) is the same as "B".
PARAM_UNITS = {
    "": 1,
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "million": 10**6,
    "b": 10**9,
    "g": 10**9,
    "billion": 10**9,
    "t": 10**12,
    "trillion": 10**12,
}

# Context windows are quoted in powers of two ("32k" = 32768), so k and M are binary here.
CONTEXT_UNITS = {"": 1, "k": 2**10, "m": 2**20}

# Memory, case-insensitive: SI units are powers of 10, IEC units (KiB...) powers of 2. A bare
# "G" is refused: half the tools read it as 10^9, the other half as 2^30.
BYTE_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}

# Durations, in milliseconds.
DURATION_UNITS: dict[str, Fraction | int] = {
    "us": Fraction(1, 1000),
    "µs": Fraction(1, 1000),
    "ms": 1,
    "s": 1000,
}

PARAM_HINT = (
    'Accepted: a positive whole number of parameters such as 86000000, "125k", "86M", '
    '"0.5B", "8B", "1.5T", "1e9" or "8 billion" (suffixes k, M or m = million, B or G = '
    "billion, T; words thousand, million, billion, trillion)"
)
CONTEXT_HINT = (
    'Accepted: a positive whole number of tokens such as 4096, "32k" (= 32768), "256k" '
    '(= 262144) or "1M" (= 1048576); k = 1024 and M = 1048576 for context windows'
)
BYTE_HINT = (
    'Accepted: a positive whole number of bytes such as 1073741824, "512MB" or "12GB" '
    '(SI, 1 GB = 10^9) or "512MiB", "16GiB" (binary, 1 GiB = 2^30); units B, KB, MB, GB, '
    "TB, KiB, MiB, GiB, TiB"
)
LATENCY_HINT = (
    f"Accepted: one of {', '.join(LATENCY_LABELS)}, or a duration with a unit such as "
    '"20ms", "1.5s" or "500us"'
)


def show(value: Any) -> str:
    """A value as it would appear in a message: short, on one line, quotes escaped."""
    if isinstance(value, str):
        text = repr(value)
    elif value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, date):
        text = value.isoformat()  # YAML reads unquoted 2024-01-01 as a date
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _split(text: str, what: str, hint: str) -> tuple[Fraction, str]:
    """Split "1.5 B" into (Fraction(3, 2), "b"); the unit is lower-cased."""
    foreign = next((c for c in text if c.isdigit() and not c.isascii()), None)
    if foreign is not None:
        raise InvalidValue(
            f"{what} {show(text)} has the non-ASCII digit {foreign!r}",
            f"Write numbers with the ASCII digits 0-9. {hint}",
        )
    if len(text) > _MAX_CHARS:
        raise InvalidValue(f"{what} {show(text)} is over {_MAX_CHARS} characters long", hint)
    match = _QUANTITY.match(text)
    if match is None:
        raise InvalidValue(f"cannot read {show(text)} as {what}", hint)
    number = Decimal(match["number"].replace("_", ""))
    _check_range(number, text, what, hint)
    return Fraction(number), (match["unit"] or "").lower()


def _check_range(number: Decimal, value: Any, what: str, hint: str) -> None:
    """Refuse a number that is not zero and not within [1e-300, 1e300)."""
    if number and not -_LIMIT_EXPONENT <= number.adjusted() < _LIMIT_EXPONENT:
        raise _out_of_range(value, what, hint)


def _out_of_range(value: Any, what: str, hint: str) -> InvalidValue:
    return InvalidValue(f"{what} {show(value)} is out of range", f"{RANGE_HINT}. {hint}")


def _number(value: Any, what: str, hint: str) -> tuple[Fraction, str]:
    """Read an int, a float or a string into (number, unit)."""
    # bool is a subclass of int, but "true" parameters is never meant.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidValue(
            f"{what} must be a number or a string like '86M', got {show(value)}", hint
        )
    if isinstance(value, int):
        return Fraction(value), ""
    if isinstance(value, float):
        if math.isnan(value):
            raise InvalidValue(f"{what} must be finite, got {show(value)}", hint)
        if math.isinf(value):  # YAML reads 1.0e+400 as infinity
            raise _out_of_range(value, what, hint)
        # repr gives the shortest decimal that reads back as this float: what the user wrote.
        return Fraction(repr(value)), ""
    return _split(value, what, hint)


def _whole(value: Any, units: dict[str, Any], what: str, hint: str) -> int:
    """Parse a positive whole quantity in the given units."""
    number, unit = _number(value, what, hint)
    if unit not in units:
        raise InvalidValue(f"unknown unit {unit!r} in {what} {show(value)}", hint)
    amount = number * units[unit]
    if abs(amount) >= 10**_LIMIT_EXPONENT:
        raise _out_of_range(value, what, hint)
    if amount <= 0:
        raise InvalidValue(f"{what} must be positive, got {show(value)}", hint)
    if amount.denominator != 1:
        raise InvalidValue(f"{what} must be a whole number, got {show(value)}", hint)
    return int(amount)


def parse_param_count(value: Any) -> int:
    """ "86M" -> 86_000_000, "1.5T" -> 1_500_000_000_000, "8 billion" -> 8_000_000_000."""
    return _whole(value, PARAM_UNITS, "a parameter count", PARAM_HINT)


def parse_context_length(value: Any) -> int:
    """ "256k" -> 262_144, "1M" -> 1_048_576, 4096 -> 4096 (k and M are binary)."""
    return _whole(value, CONTEXT_UNITS, "a context length", CONTEXT_HINT)


def parse_byte_size(value: Any) -> int:
    """ "12GB" -> 12_000_000_000, "512MiB" -> 536_870_912, 1024 -> 1024."""
    if isinstance(value, str):
        _, unit = _split(value, "a memory size", BYTE_HINT)
        if unit in ("k", "m", "g", "t"):
            raise InvalidValue(
                f"ambiguous memory size {show(value)}",
                f"Write {unit.upper()}B for powers of 10 or {unit.upper()}iB for powers of 2. "
                + BYTE_HINT,
            )
    return _whole(value, BYTE_UNITS, "a memory size", BYTE_HINT)


def parse_duration_ms(text: str) -> float:
    """ "20ms" -> 20.0, "1.5s" -> 1500.0, "500us" -> 0.5 (milliseconds)."""
    number, unit = _split(text, "a duration", LATENCY_HINT)
    if unit == "":
        raise InvalidValue(f"the duration {show(text)} has no unit", LATENCY_HINT)
    if unit not in DURATION_UNITS:
        raise InvalidValue(f"unknown time unit {unit!r} in {show(text)}", LATENCY_HINT)
    ms = number * DURATION_UNITS[unit]
    if ms <= 0:
        raise InvalidValue(f"a latency must be positive, got {show(text)}", LATENCY_HINT)
    return float(ms)


def format_param_count(count: int) -> str:
    """The shortest exact form: 86_000_000 -> "86M", 1_500_000_000_000 -> "1.5T"."""
    for suffix, unit in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("k", 10**3)):
        if abs(count) >= unit:
            return f"{Decimal(count).scaleb(-len(str(unit)) + 1).normalize():f}{suffix}"
    return str(count)


class Latency(BaseModel):
    """A latency target: a label (``real-time``...) or a duration (``ms``), as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    label: str | None = None
    ms: float | None = None


def parse_latency(value: Any) -> Latency | Any:
    """ "real-time" -> Latency(label="real-time"), "20ms" -> Latency(ms=20.0)."""
    if isinstance(value, Latency):
        return value
    if isinstance(value, bool) or isinstance(value, int | float):
        raise InvalidValue(f"the latency {show(value)} has no unit", LATENCY_HINT)
    if not isinstance(value, str):
        raise InvalidValue(
            f"a latency must be a label or a duration, got {show(value)}", LATENCY_HINT
        )
    text = value.strip()
    if text in LATENCY_LABELS:
        return Latency(text=text, label=text)
    if not text[:1].isdigit() and not text.startswith("."):
        raise InvalidValue(f"unknown latency {show(value)}", LATENCY_HINT)
    return Latency(text=text, ms=parse_duration_ms(text))


ParamCount = Annotated[
    int,
    BeforeValidator(parse_param_count),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]},
        mode="validation",
    ),
]

ContextLength = Annotated[
    int,
    BeforeValidator(parse_context_length),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]},
        mode="validation",
    ),
]

ByteSize = Annotated[
    int,
    BeforeValidator(parse_byte_size),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]},
        mode="validation",
    ),
]

# Serialized back to the text as written, so a dumped spec loads again unchanged.
LatencyTarget = Annotated[
    Latency,
    BeforeValidator(parse_latency),
    PlainSerializer(lambda latency: latency.text, return_type=str),
    WithJsonSchema({"type": "string"}, mode="validation"),
]
