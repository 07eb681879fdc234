"""Registries of one folder per entry (archs/, tasks/): each folder's __init__.py holds its row."""

from __future__ import annotations

import importlib
from importlib import resources
from typing import Any


def folder_rows(package: str, attribute: str) -> dict[str, Any]:
    """name -> row for each folder under `package` whose __init__.py binds `attribute` to a
    row named as the folder."""
    found: dict[str, Any] = {}
    for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
        if entry.is_dir() and entry.joinpath("__init__.py").is_file():
            row = getattr(importlib.import_module(f"{package}.{entry.name}"), attribute)
            if row.name != entry.name:
                where = f"{package.rpartition('.')[2]}/{entry.name}/"
                raise LookupError(f"{where} registers {row.name!r}: use one name")
            found[row.name] = row
    return found
