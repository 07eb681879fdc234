"""Turn pydantic's validation errors into MetaGen's: what is wrong, and what would do.

The schema's field descriptions double as the "why" in messages, so they are written once.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from metagen.spec.errors import InvalidValue
from metagen.spec.units import show

_TYPE_NAMES = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "list_type": "a list",
}
_MAPPING_ERRORS = ("model_type", "model_attributes_type", "dict_type")
_BOUNDS = {
    "greater_than_equal": ("ge", "too small", "at least"),
    "greater_than": ("gt", "too small", "more than"),
    "less_than_equal": ("le", "too large", "at most"),
    "less_than": ("lt", "too large", "less than"),
}


def explain(error: Mapping[str, Any], root: type[BaseModel]) -> tuple[str, str]:
    """(summary, hint) for one entry of ``ValidationError.errors()``."""
    kind, loc, value = error["type"], tuple(error["loc"]), error.get("input")
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, InvalidValue):
        return cause.summary, cause.hint
    if kind == "missing":
        return _missing(loc, root)
    if kind == "extra_forbidden":
        return _unknown_key(loc, root)
    if kind in _MAPPING_ERRORS:
        model = model_at(root, loc)
        keys = ", ".join(model.model_fields) if model else "see `metagen schema`"
        return f"expected a mapping of keys, got {_kind_of(value)}", f"Accepted keys: {keys}"
    if kind in _TYPE_NAMES:
        return f"expected {_TYPE_NAMES[kind]}, got {_kind_of(value)}", _type_hint(kind, loc, root)
    if kind in _BOUNDS:
        ctx_key, problem, words = _BOUNDS[kind]
        limit = error["ctx"][ctx_key]
        return f"{show(value)} is {problem}: it must be {words} {limit}", _why("", loc, root)
    if kind == "too_short":
        return "the list is empty", _why("List at least one value", loc, root)
    if isinstance(cause, Exception):
        return str(cause), _why("", loc, root)
    return f"{error['msg']} (got {show(value)})", _why("", loc, root)


def _missing(loc: tuple[Any, ...], root: type[BaseModel]) -> tuple[str, str]:
    where = f"under {'.'.join(map(str, loc[:-1]))}" if len(loc) > 1 else "at the top level"
    return f"required key {loc[-1]!r} is missing", _why(f"Add {loc[-1]}: {where}", loc, root)


def _unknown_key(loc: tuple[Any, ...], root: type[BaseModel]) -> tuple[str, str]:
    model = model_at(root, loc[:-1])
    names = list(model.model_fields) if model else []
    hint = f"Accepted keys here: {', '.join(names)}" if names else "Remove it"
    close = difflib.get_close_matches(str(loc[-1]), names, n=1, cutoff=0.6)
    if close:
        hint = f"Did you mean {close[0]!r}? {hint}"
    return f"unknown key {str(loc[-1])!r}", hint


def _type_hint(kind: str, loc: tuple[Any, ...], root: type[BaseModel]) -> str:
    if kind == "string_type":
        # YAML reads unquoted 123, 1.0, yes/no, on/off and dates as non-text.
        return _why('YAML read this as a non-text value; put it in quotes, e.g. "123"', loc, root)
    if kind == "list_type":
        return _why("Write a list, e.g. [text, image]", loc, root)
    return _why("", loc, root)


def _why(text: str, loc: tuple[Any, ...], root: type[BaseModel]) -> str:
    """Append the field's description, which says what the field is for."""
    info = field_at(root, loc)
    described = info.description if info is not None and info.description else ""
    parts = [p.rstrip(".") for p in (text, described) if p]
    return ". ".join(parts)


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {show(value)}"
    if isinstance(value, int | float):
        return f"the number {show(value)}"
    if value is None:
        return "null (an empty value)"
    return show(value)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``X | None`` or ``Annotated[X, ...]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType) or hasattr(annotation, "__metadata__"):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc``, or None."""
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            return None
        model = _model_in(model.model_fields[part].annotation)
    return model


def field_at(root: type[BaseModel], loc: tuple[Any, ...]) -> FieldInfo | None:
    """The FieldInfo of the last named field in ``loc`` (list indices are skipped)."""
    while loc and not isinstance(loc[-1], str):
        loc = loc[:-1]
    if not loc:
        return None
    model = model_at(root, loc[:-1])
    return model.model_fields.get(loc[-1]) if model is not None else None
