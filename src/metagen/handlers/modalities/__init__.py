"""Modality handlers. Importing this package registers every handler module in it."""

import importlib
import pkgutil

from metagen.handlers.modalities.base import Component, ModalityHandler
from metagen.handlers.modalities.registry import (
    get_handler,
    register_modality,
    registered_modalities,
)

# Each module registers its handler with @register_modality when imported.
for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "Component",
    "ModalityHandler",
    "get_handler",
    "register_modality",
    "registered_modalities",
]
