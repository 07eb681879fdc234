"""The ``data`` section: where a user's data is, what its columns or keys are called, and how
it splits into training, validation and test parts.

Each field becomes one key of every scale's data config (``DATA_CONFIG_KEYS``), and only the
fields a spec sets are written, so the readers keep their own defaults for the rest.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from metagen.spec.errors import InvalidValue
from metagen.spec.fields import SpecModel, UniqueList, YamlFloat
from metagen.spec.units import show

# The spec's field -> its key in config.json's data section, which the readers read.
DATA_CONFIG_KEYS = {
    "text": "text_column",
    "label": "label_column",
    "target": "target_column",
    "time": "time_column",
    "features": "feature_columns",
    "train": "train_file",
    "validation": "val_file",
    "test": "test_file",
    "val_fraction": "val_fraction",
    "test_fraction": "test_fraction",
    "test_start": "test_start",
    "test_periods": "test_periods",
    "chunks": "chunks",
}

# Fields that only some inputs or tasks read: (the inputs, the tasks, what the field is for).
# A field read by any task with one of the inputs, or by one of the tasks, is accepted.
_READERS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "text": (("text",), (), "it names the column or key that holds a text"),
    "time": (("time_series",), (), "it names the column that dates a series' rows"),
    "features": (
        ("tabular", "time_series"),
        (),
        "it lists the feature or value columns of a CSV",
    ),
    "test_start": ((), ("time_series_forecast",), "it marks where a forecast's test period begins"),
    "test_periods": ((), ("time_series_forecast",), "it counts a forecast's final test steps"),
}

Column = Annotated[str, Field(min_length=1)]
MAX_CHUNKS = 64  # a text's chunks, at most: each costs a whole forward


def _date_as_text(value: Any) -> Any:
    # YAML reads an unquoted 2020-01-31 as a date; it means the same text in the time column.
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class Data(SpecModel):
    """The user's data: its path, its column or key names, and its splits."""

    path: Column | None = Field(
        None,
        description="The data `metagen train` reads when it gets no --data: a file or a folder "
        "(a relative path is read from the spec file's folder).",
    )
    text: Column | None = Field(
        None, description="The column (CSV) or key (JSONL) that holds the text; null: text."
    )
    label: Column | None = Field(
        None,
        description="The column or key that holds the class label; null: label (JSONL) or the "
        "target column (CSV).",
    )
    target: Column | None = Field(
        None,
        description="The column to predict or forecast; null: the last column (tabular), the "
        "last value column (series).",
    )
    time: Column | None = Field(
        None,
        description="The column that dates a series' rows; null: a column named time, date, "
        "datetime, timestamp, ds, year, month or day.",
    )
    features: UniqueList[Column] | None = Field(
        None,
        min_length=1,
        description="The feature (or series value) columns, in order; null: every column but "
        "the target and the time column.",
    )
    train: Column | None = Field(
        None,
        description="The training file, read from the data folder (the data path's folder when "
        "the path is a file); null: the data path itself, or the folder's train file.",
    )
    validation: Column | None = Field(
        None,
        description="The validation file, read as train is; null: the folder's val file, or "
        "val_fraction of the training file.",
    )
    test: Column | None = Field(
        None,
        description="The test file that evaluation scores, read as train is; null: the "
        "folder's test file, or test_fraction, or no test set.",
    )
    val_fraction: YamlFloat | None = Field(
        None,
        gt=0,
        lt=1,
        description="The share of the training file's rows (after any test share or period) "
        "held out for validation, e.g. 0.1; null: the task's default.",
    )
    test_fraction: YamlFloat | None = Field(
        None,
        gt=0,
        lt=1,
        description="The share of the training file held out for testing, never trained or "
        "validated on (a forecast's final rows), e.g. 0.2; null: no test share.",
    )
    test_start: Annotated[str | int, BeforeValidator(_date_as_text)] | None = Field(
        None,
        description='Forecasting: where the test period begins, a time (e.g. "2020-01-31", '
        "the first row whose time column is at or after it) or a row number (0 is the first "
        "data row); it runs to the end, or for test_periods steps.",
    )
    test_periods: int | None = Field(
        None,
        ge=1,
        description="Forecasting: the test period's length in time steps, the file's last "
        "unless test_start opens it, e.g. 55.",
    )

    chunks: int | None = Field(
        None,
        ge=2,
        le=MAX_CHUNKS,
        description="Text classification: read each text as up to this many consecutive "
        "chunks of seq_len tokens, and classify it by the mean over its chunks (a long "
        "document is read to its end, not cut at seq_len); costs this many times the compute "
        "per text, e.g. 8. null: one chunk, the text's start.",
    )

    @model_validator(mode="after")
    def _one_way_to_each_split(self) -> Data:
        pairs = (
            ("validation", "val_fraction", "a validation file or a share of the training file"),
            ("test", "test_fraction", "a test file or a test share of the training file"),
            ("test", "test_start", "a test file or a test period in the training file"),
            ("test", "test_periods", "a test file or a test period in the training file"),
            ("test_fraction", "test_periods", "the test period's length as a share or a count"),
        )
        for first, second, what in pairs:
            if getattr(self, first) is not None and getattr(self, second) is not None:
                raise InvalidValue(
                    f"{first} and {second} both say how to split off the data: give {what}",
                    f"Keep one of {first} and {second}",
                    at=(second,),
                )
        if isinstance(self.test_start, int) and self.test_start < 0:
            raise InvalidValue(
                f"test_start {show(self.test_start)} is a row number below 0",
                "Give the row (0 is the first data row) or the time where the test period starts",
                at=("test_start",),
            )
        return self

    def config(self) -> dict[str, Any]:
        """The fields this spec sets, under their data-config keys."""
        values = self.model_dump(exclude={"path"}, exclude_none=True)
        return {DATA_CONFIG_KEYS[name]: value for name, value in values.items()}


def data_problem(data: Data, task: str | None, inputs: list[str] | None) -> None:
    """Raise if ``data`` names a feature column as the label, the target or the time, or
    sets a field that the task and inputs never read."""
    # A forecaster reads the target's own past as one of its channels.
    named = ("label", "time") if task == "time_series_forecast" else ("label", "target", "time")
    for name in named:
        column = getattr(data, name)
        if data.features is not None and column is not None and column in data.features:
            raise InvalidValue(
                f"features lists {column!r}, which data.{name} names too",
                f"A column is either a feature or the {name}: remove it from features",
                at=("features",),
            )
    if (
        data.chunks is not None
        and inputs is not None
        and (task, inputs) != ("classification", ["text"])
    ):
        raise InvalidValue(
            f"chunks has no meaning for a {task} task on {', '.join(inputs)} input: it reads a "
            "long text in chunks for a text classifier",
            "Remove it, or use it with task classification on text input",
            at=("chunks",),
        )
    for name, (readers, tasks, why) in _READERS.items():
        if getattr(data, name) is None or inputs is None:
            continue
        if set(readers) & set(inputs) or task in tasks:
            continue
        needs = [f"{', '.join(readers)} input"] if readers else []
        needs += [f"task {' or '.join(tasks)}"] if tasks else []
        raise InvalidValue(
            f"{name} has no meaning for a {task} task on {', '.join(inputs)} input: {why}",
            f"Remove it, or use it with {' or '.join(needs)}",
            at=(name,),
        )
