"""Rules that `metagen train` enforces on the spec's own values, checked when the spec loads,
so that `metagen validate` refuses a spec that training would refuse, with its location.

Each rule reads only values the spec states; a value the planner chooses (a default lookback)
is checked where it is chosen. A season_length not below the lookback is the forecasting
handler's PlanError, which `validate` reports too (it plans the spec). A rule is a function ``(spec) -> problem or None``; listing it
in ``TRAIN_RULES`` is all it takes to add one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from metagen.spec.errors import InvalidValue

if TYPE_CHECKING:
    from metagen.spec.schema import Spec

FORECAST = "time_series_forecast"
# Agents read their own stacked grey frames, and a fusion network its own RGB input, whatever
# modality.image.channels says; every other reader of pictures reads grey or RGB ones.
OWN_FRAMES = ("policy_gradient", "value_based", "actor_critic", "model_based")
PICTURE_CHANNELS = (1, 3)


def _forecast_lookback(spec: Spec) -> InvalidValue | None:
    # The seasonal-naive baseline repeats the window's last season, which is 1 step or more
    # and shorter than the window: a 1-step window has no room for one.
    if spec.task.type == FORECAST and spec.task.lookback == 1:
        return InvalidValue(
            "lookback 1 leaves no room for a season in the window: the seasonal-naive "
            "baseline that forecasts are scored against repeats a season shorter than the "
            "lookback",
            "Set task.lookback to 2 or more",
            at=("task", "lookback"),
        )
    return None


def _forecast_test_period(spec: Spec) -> InvalidValue | None:
    data, horizon, lookback = spec.data, spec.task.horizon, spec.task.lookback
    if spec.task.type != FORECAST or data is None:
        return None
    if data.test_periods is not None and horizon is not None and data.test_periods < horizon:
        return InvalidValue(
            f"test_periods {data.test_periods} is shorter than task.horizon ({horizon}): no "
            "forecast fits in the test period",
            f"Give at least {horizon} test steps",
            at=("data", "test_periods"),
        )
    start = data.test_start
    if isinstance(start, int) and lookback is not None and start < lookback:
        return InvalidValue(
            f"test_start {start} is before row {lookback}: each forecast reads the "
            f"task.lookback ({lookback}) rows before it, and training needs rows before those",
            f"Start the test period well after row {lookback}, or lower task.lookback",
            at=("data", "test_start"),
        )
    return None


def _picture_channels(spec: Spec) -> InvalidValue | None:
    image = spec.modality.image
    if image is None or "image" not in spec.modality.inputs or image.channels in PICTURE_CHANNELS:
        return None
    if spec.task.type in OWN_FRAMES or spec.fusion is not None:
        return None
    return InvalidValue(
        f"channels {image.channels} is neither 1 (grey) nor 3 (RGB): MetaGen reads pictures, "
        "its built-in ones and image folders alike, as grey or RGB",
        "Set modality.image.channels to 1 or 3",
        at=("modality", "image", "channels"),
    )


TRAIN_RULES: list[Callable[[Spec], InvalidValue | None]] = [
    _forecast_lookback,
    _forecast_test_period,
    _picture_channels,
]


def check_train_rules(spec: Spec) -> None:
    """Raise the first rule that `spec` breaks."""
    for rule in TRAIN_RULES:
        problem = rule(spec)
        if problem is not None:
            raise problem
