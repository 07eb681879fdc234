"""Modality handlers. Importing this package registers every built-in handler."""

from metagen.handlers.modalities import image, text  # noqa: F401  (registration)
from metagen.handlers.modalities.base import Component, ModalityHandler
from metagen.handlers.modalities.registry import (
    get_handler,
    register_modality,
    registered_modalities,
)

__all__ = [
    "Component",
    "ModalityHandler",
    "get_handler",
    "register_modality",
    "registered_modalities",
]
