"""Task handlers. Importing this package registers every built-in handler."""

from metagen.handlers.tasks import classification, generation  # noqa: F401  (registration)
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import (
    get_task_handler,
    register_task,
    registered_tasks,
    resolve_task_type,
)

__all__ = [
    "TaskHandler",
    "get_task_handler",
    "register_task",
    "registered_tasks",
    "resolve_task_type",
]
