"""Task handlers. Importing this package registers every handler: the modules in it (the
handlers shared by several runtime tasks, and generation's) and each runtime task folder's
`handler.py` (tasks/<task>/, where the spec's `task.type` names that task)."""

import importlib
import pkgutil
from importlib import resources

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
for _folder in sorted(resources.files("metagen.tasks").iterdir(), key=lambda f: f.name):
    if _folder.joinpath("handler.py").is_file():
        importlib.import_module(f"metagen.tasks.{_folder.name}.handler")

__all__ = [
    "TaskHandler",
    "get_task_handler",
    "register_task",
    "registered_tasks",
    "resolve_task_type",
]
