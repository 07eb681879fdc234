"""Task handlers. Importing this package registers every handler module in it."""

import importlib
import pkgutil

from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import (
    get_task_handler,
    register_task,
    registered_tasks,
    resolve_task_type,
)

# Each module registers its handler with @register_task when imported.
for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "TaskHandler",
    "get_task_handler",
    "register_task",
    "registered_tasks",
    "resolve_task_type",
]
