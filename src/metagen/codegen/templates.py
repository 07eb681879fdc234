"""The Jinja environment for glue templates. Model code never lives in a template."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jinja2


def py_literal(value: Any) -> str:
    """A Python literal that evaluates back to `value`: free text stays inert data."""
    if isinstance(value, str | int | float | bool | type(None)):
        return repr(value)
    return repr(json.loads(json.dumps(value)))


def md_text(value: Any) -> str:
    """Free text for Markdown: HTML and Markdown syntax escaped, newlines kept as breaks."""
    text = str(value)
    for char in "\\`*_{}[]()#+-!|<>&":
        text = text.replace(char, "\\" + char)
    return "  \n".join(text.splitlines())


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("metagen.codegen", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["py"] = py_literal
    env.filters["md"] = md_text
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
