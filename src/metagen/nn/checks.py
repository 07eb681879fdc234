"""Argument checks for the model constructors; each raises ValueError naming the values."""

from collections.abc import Iterable


def check_positive(**values: float) -> None:
    for name, value in values.items():
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value!r}")


def check_divisible(name: str, value: int, by_name: str, by_value: int) -> None:
    if value % by_value != 0:
        raise ValueError(f"{name} ({value}) must be divisible by {by_name} ({by_value})")


def check_choice(name: str, value: object, choices: Iterable[str]) -> None:
    choices = sorted(choices)
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")


def check_dropout(dropout: float) -> None:
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
