"""The Jinja environment for glue templates. Model code never lives in a template.

Templates are named by their path: `train.py.j2` in codegen/templates/, and each runtime task's
inference scripts in its folder, `tasks/<task>/infer.py.j2`."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jinja2


def py_literal(value: Any) -> str:
    """A Python literal that evaluates back to `value`: free text stays inert data."""
    if isinstance(value, str | int | float | bool | type(None)):
        return repr(value)
    return repr(json.loads(json.dumps(value)))


# CommonMark lets a backslash escape any ASCII punctuation, which then renders literally.
_MD_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_NBSP = "\u00a0"


def _md_line(line: str) -> str:
    """One line of free text, inert: punctuation escaped, leading blanks made non-breaking
    (so they open no code block) and an empty line made non-blank (so it ends nothing)."""
    body = line.lstrip(" \t")
    indent = _NBSP * (len(line) - len(body))
    escaped = "".join("\\" + c if c in _MD_PUNCTUATION else c for c in body)
    return (indent + escaped) or _NBSP


def md_text(value: Any) -> str:
    """Free text inline in Markdown: escaped, on one line."""
    return " ".join(_md_line(line) for line in str(value).splitlines())


def md_quote(value: Any) -> str:
    """Free text as a Markdown block quote: escaped, every line quoted, breaks kept."""
    lines = str(value).splitlines() or [""]
    return "  \n".join("> " + _md_line(line) for line in lines)


def md_code(value: Any) -> str:
    """A path or name inline in Markdown as a code span, read literally with no escapes: the
    fence is one backtick longer than any run of backticks inside, padded where the text
    starts or ends with one (CommonMark's rule)."""
    text = " ".join(str(value).splitlines())
    runs = [len(run) for run in "".join(c if c == "`" else " " for c in text).split()]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (Jinja checks each against its source), so that
    `synth` does not recompile them every time: in $METAGEN_CACHE_DIR or ~/.cache/metagen.
    None where that folder cannot be made or written."""
    folder = Path(os.environ.get("METAGEN_CACHE_DIR") or Path.home() / ".cache" / "metagen")
    templates = folder / "templates"
    try:
        templates.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    # Jinja writes each compiled template there and does not catch a refusal
    return jinja2.FileSystemBytecodeCache(str(templates)) if os.access(templates, os.W_OK) else None


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        bytecode_cache=_bytecode_cache(),
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("metagen.codegen", "templates"),
                jinja2.PrefixLoader({"tasks": jinja2.PackageLoader("metagen", "tasks")}),
            ]
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["py"] = py_literal
    env.filters["md"] = md_text
    env.filters["md_quote"] = md_quote
    env.filters["md_code"] = md_code
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


def template_names() -> list[str]:
    return environment().list_templates()


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
