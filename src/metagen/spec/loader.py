"""Load a spec from a file or a string: YAML with positions, validation, warnings.

Every failure becomes a ``SpecError`` located at file:line:column, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from metagen.spec.checks import collect_warnings
from metagen.spec.errors import ErrorDetail, SpecError
from metagen.spec.messages import explain
from metagen.spec.positions import Positions, compose, dotted
from metagen.spec.schema import Spec
from metagen.spec.units import show
from metagen.spec.yaml_rules import MAX_SPEC_BYTES, check_size

_EXAMPLE = "e.g. name: my_model, modality: {inputs: [text], outputs: [text]}"


def load_spec(path: str | Path, overrides: dict[str, Any] | None = None) -> Spec:
    """Read and validate the spec file at ``path``, with ``overrides`` (parse_spec_text's)."""
    source = str(path)
    try:
        with Path(path).open("rb") as file:
            # One byte past the limit is enough to refuse a file (or /dev/zero) as too long.
            raw = file.read(MAX_SPEC_BYTES + 1)
        check_size(len(raw), source)
        # Universal newlines, as Path.read_text gives them.
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise SpecError.single(source, "no such file", "Check the path to the spec") from None
    except IsADirectoryError:
        raise SpecError.single(source, "is a directory", "Give the path of a .yaml file") from None
    except UnicodeDecodeError as exc:
        hint = "Save the spec as UTF-8 text"
        raise SpecError.single(source, f"not UTF-8 text ({exc.reason})", hint) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise SpecError.single(source, f"cannot read the file: {reason}", "Check it") from None
    spec = parse_spec_text(text, source=source, overrides=overrides)
    if spec.data is not None and spec.data.path is not None:
        # A relative data path is read from the spec file's folder, wherever metagen runs,
        # and kept absolute so that a run directory's spec_resolved.yaml still finds it.
        spec.data.path = os.path.abspath(Path(path).parent / spec.data.path)
    return spec


def parse_spec_text(
    text: str, source: str = "<string>", overrides: dict[str, Any] | None = None
) -> Spec:
    """Validate the spec written in ``text``; ``source`` names it in messages. ``overrides``
    maps dotted fields (``fusion.strategy``) to values that replace the file's, as command-line
    flags give them; a section they need is added. Errors are located in the file as near the
    overridden field as it goes."""
    data, positions = compose(text, source)
    _check_top_level(data, positions, source)
    for field, value in (overrides or {}).items():
        *sections, key = field.split(".")
        inside = data
        for section in sections:
            if not isinstance(inside.get(section), dict):
                inside[section] = {}
            inside = inside[section]
        inside[key] = value
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        raise _from_validation(exc, positions, source) from None
    spec._warnings = collect_warnings(spec, positions, source)
    return spec


def _check_top_level(data: Any, positions: Positions, source: str) -> None:
    if data is None:
        raise SpecError.single(
            source, "the spec is empty", f"Write at least a name and modality, {_EXAMPLE}"
        )
    if not isinstance(data, dict):
        line, column = positions.values.get((), (None, None))
        raise SpecError.single(
            source,
            f"the top level must be a mapping of keys, got {show(data)}",
            f"Start with keys, {_EXAMPLE}",
            line=line,
            column=column,
        )


def _from_validation(exc: ValidationError, positions: Positions, source: str) -> SpecError:
    ordered = []
    for index, error in enumerate(exc.errors()):
        loc, kind = tuple(error["loc"]), error["type"]
        cause = (error.get("ctx") or {}).get("error")
        loc += getattr(cause, "at", ())  # a validator of several fields names the one at fault
        summary, hint = explain(error, Spec)
        where = positions.locate(loc, prefer_key=kind == "extra_forbidden")
        line, column = where if where is not None else (None, None)
        field = _field_name(loc, positions, kind)
        detail = ErrorDetail(summary, hint, field=field, line=line, column=column)
        ordered.append((_sort_position(loc, kind, where, positions), index, detail))
    # Lead with the first problem in the file; unknown positions go last.
    ordered.sort(key=lambda item: item[:2])
    return SpecError(source, [detail for _, _, detail in ordered])


def _sort_position(loc: tuple[Any, ...], kind: str, where: Any, positions: Positions) -> Any:
    # A missing key is reported at its parent mapping but sorts where it would be added,
    # after the mapping's other problems (often a misspelling of that very key).
    if kind == "missing":
        where = positions.last_inside(positions.known_prefix(loc)) or where
    return where or (1 << 62, 0)


def _field_name(loc: tuple[Any, ...], positions: Positions, kind: str) -> str | None:
    # A missing or unknown key is not in the document (or is extra); name it as given.
    if kind in ("missing", "extra_forbidden"):
        return dotted(tuple(p for p in loc if isinstance(p, str | int)))
    return dotted(positions.known_prefix(loc)) or None
