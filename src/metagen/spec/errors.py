"""Errors and warnings about a spec, each located at file:line:column and a dotted field."""

from __future__ import annotations

from dataclasses import dataclass

# How many further errors the one-paragraph message lists after the first one.
_MAX_LISTED = 5


class InvalidValue(ValueError):
    """Raised by the spec's own validators.

    It carries a short ``summary`` (what is wrong, with the value) and a ``hint`` (what would
    be accepted), so the loader can lead with the full text of the first error and list the
    others by summary only. ``at`` points below the validated field, for a validator that
    checks several fields at once: ``("type",)`` raised while validating ``task`` is located
    at ``task.type``.
    """

    def __init__(self, summary: str, hint: str = "", at: tuple[str | int, ...] = ()) -> None:
        super().__init__(f"{summary}. {hint}" if hint else summary)
        self.summary = summary
        self.hint = hint
        self.at = at


def format_location(source: str | None, line: int | None, column: int | None) -> str:
    """``file:line:column``, dropping the parts that are unknown."""
    where = source or "<string>"
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    return where


@dataclass(frozen=True)
class SpecWarning:
    """Something in a valid spec that MetaGen can only approximate, or advises against."""

    field: str
    message: str
    source: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def located(self) -> str:
        """``file:line:column: message``, for the CLI to print after "warning:" (every
        message names its field)."""
        return f"{format_location(self.source, self.line, self.column)}: {self.message}"

    def __str__(self) -> str:
        where = format_location(self.source, self.line, self.column)
        return f"{where}: warning: {self.field}: {self.message}"


@dataclass(frozen=True)
class ErrorDetail:
    """One problem found in a spec; a ``SpecError`` holds one or more."""

    summary: str
    hint: str = ""
    field: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def message(self) -> str:
        text = f"{self.field}: {self.summary}" if self.field else self.summary
        return _sentence(f"{text}. {self.hint}" if self.hint else text)


class SpecError(Exception):
    """A spec that cannot be read or does not validate.

    ``str(err)`` is one paragraph: ``file:line:column: field: problem. What is accepted.``,
    then a compact list of any further problems. ``details`` holds every problem, sorted by
    position, and ``source``/``line``/``column``/``field`` repeat the first one's.
    """

    def __init__(self, source: str | None, details: list[ErrorDetail]) -> None:
        if not details:
            raise ValueError("a SpecError needs at least one ErrorDetail")
        self.source = source
        self.details = list(details)
        first = self.details[0]
        self.line = first.line
        self.column = first.column
        self.field = first.field
        super().__init__(_paragraph(source, self.details))

    @classmethod
    def single(
        cls,
        source: str | None,
        summary: str,
        hint: str = "",
        *,
        field: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> SpecError:
        """A SpecError with exactly one problem."""
        detail = ErrorDetail(summary, hint, field=field, line=line, column=column)
        return cls(source, [detail])


def _paragraph(source: str | None, details: list[ErrorDetail]) -> str:
    first = details[0]
    text = f"{format_location(source, first.line, first.column)}: {first.message}"
    rest = details[1:]
    if not rest:
        return _one_line(text)
    noun = "error" if len(rest) == 1 else "errors"
    listed = "; ".join(_compact(d) for d in rest[:_MAX_LISTED])
    more = len(rest) - _MAX_LISTED
    tail = f"; and {more} more" if more > 0 else ""
    return _one_line(f"{text} Also {len(rest)} more {noun}: {listed}{tail}.")


def _compact(detail: ErrorDetail) -> str:
    where = f"line {detail.line}" if detail.line is not None else "unknown line"
    field = f"{detail.field} " if detail.field else ""
    return f"{field}({where}): {detail.summary}"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _one_line(text: str) -> str:
    # The contract is one paragraph; values are already escaped, but be safe.
    return " ".join(text.split())
