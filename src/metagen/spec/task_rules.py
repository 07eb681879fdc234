"""What each task type needs and which task fields it reads: one table for the whole project.

The spec schema rejects a field or an input that makes no sense for the task (a horizon on a
classifier, object detection on text), saying why. The task handlers read the same table, so
a handler never accepts an input that the spec layer calls nonsense (a test checks this).
Whether a sensible combination is *built* is the handlers' business, not this table's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RL_TASKS = ("policy_gradient", "value_based", "actor_critic", "model_based")
GRAPH_TASKS = ("node_classification", "link_prediction", "graph_classification")
VISUAL_INPUTS = ("image", "video", "point_cloud", "3d")


@dataclass(frozen=True)
class InputRule:
    """A task that needs one of `inputs` among modality.inputs, and why."""

    inputs: tuple[str, ...]
    why: str


# Tasks missing here take any input (a classifier, a regressor, an embedder, an agent, ...).
TASK_INPUTS: dict[str, InputRule] = {
    "object_detection": InputRule(VISUAL_INPUTS, "it draws boxes around objects in images"),
    "instance_segmentation": InputRule(VISUAL_INPUTS, "it outlines each object in images"),
    "semantic_segmentation": InputRule(VISUAL_INPUTS, "it labels every pixel or point"),
    "panoptic_segmentation": InputRule(VISUAL_INPUTS, "it labels every pixel and object"),
    "speech_recognition": InputRule(("audio",), "it transcribes speech from audio"),
    "time_series_forecast": InputRule(("time_series",), "it continues a time series"),
    "sequence_labeling": InputRule(
        ("text", "audio", "video", "time_series"), "it labels each step of a sequence"
    ),
    **{task: InputRule(("graph",), "it reads nodes and edges") for task in GRAPH_TASKS},
    "image_to_code": InputRule(("image",), "it writes the code a picture was rendered from"),
}


@dataclass(frozen=True)
class FieldRule:
    """A task field that only `tasks` read (plus any task whose input is `input`), and why."""

    tasks: tuple[str, ...]
    why: str
    input: str | None = None


# `generation` keeps num_classes: a class-conditional generator has classes.
CLASS_TASKS = (
    "generation",
    "classification",
    "object_detection",
    "instance_segmentation",
    "semantic_segmentation",
    "panoptic_segmentation",
    "sequence_labeling",
    "node_classification",
    "graph_classification",
)

TASK_FIELDS: dict[str, FieldRule] = {
    "num_classes": FieldRule(CLASS_TASKS, "it is the number of categories a model predicts"),
    "horizon": FieldRule(
        ("time_series_forecast",), "it is how many steps ahead a forecast reaches"
    ),
    "lookback": FieldRule(
        ("time_series_forecast", "anomaly_detection"),
        "it is how many past steps of a time series the model sees",
        input="time_series",
    ),
    "algorithm": FieldRule(RL_TASKS, "it names a reinforcement-learning algorithm"),
    "action_space": FieldRule(RL_TASKS, "it describes a reinforcement-learning agent's actions"),
    "num_actions": FieldRule(RL_TASKS, "it counts a reinforcement-learning agent's actions"),
    "environment": FieldRule(
        RL_TASKS, "it names the environment a reinforcement-learning agent acts in"
    ),
    "readout": FieldRule(
        ("graph_classification",), "it pools the node vectors of each graph into one"
    ),
}

# What to use instead of a field, where there is an obvious answer.
_INSTEAD = {
    ("num_classes", "regression"): "A regressor predicts numbers, not classes; remove it",
    ("num_classes", "embedding"): "An embedding model outputs vectors, not classes; remove it",
    ("num_classes", "ranking"): "A ranker orders items by score; remove it",
    ("num_classes", "time_series_forecast"): "A forecaster predicts values; remove it",
    ("num_classes", "anomaly_detection"): "Anomaly detection has two outcomes (normal or "
    "anomalous) and needs no class count; remove it",
    **{("num_classes", t): "Use task.num_actions for an agent's actions" for t in RL_TASKS},
}


@dataclass(frozen=True)
class TaskProblem:
    """A task field that makes no sense: where (under `task`), what and how to fix it."""

    at: tuple[str, ...]
    summary: str
    hint: str


def _either(names: tuple[str, ...]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def field_problems(task: Any, inputs: list[str] | None) -> list[TaskProblem]:
    """Fields set on `task` that its type does not read."""
    problems = []
    for name, rule in TASK_FIELDS.items():
        value = getattr(task, name, None)
        if value is None or task.type in rule.tasks:
            continue
        if rule.input is not None and inputs is not None and rule.input in inputs:
            continue
        readers = ", ".join(rule.tasks)
        if rule.input is not None:
            readers += f", or any task with {rule.input} input"
        hint = _INSTEAD.get(
            (name, task.type), f"Remove it, or use a task type that reads it ({readers})"
        )
        problems.append(
            TaskProblem((name,), f"{name} has no meaning for a {task.type} task: {rule.why}", hint)
        )
    if task.type == "classification" and task.num_classes == 1:
        problems.append(
            TaskProblem(
                ("num_classes",),
                "num_classes 1 leaves a classifier nothing to choose: it needs at least 2 classes",
                "For a yes/no label use num_classes: 2; for a single score use task.type: regression",
            )
        )
    return problems


def input_problem(task_type: str, inputs: list[str]) -> TaskProblem | None:
    """A task whose inputs cannot carry what it reads (object detection on text)."""
    rule = TASK_INPUTS.get(task_type)
    if rule is None or set(rule.inputs) & set(inputs):
        return None
    return TaskProblem(
        ("type",),
        f"{task_type} needs {_either(rule.inputs)} input, because {rule.why}, but "
        f"modality.inputs is [{', '.join(inputs)}]",
        f"Add {_either(rule.inputs)} to modality.inputs, or choose a task type that reads "
        f"{', '.join(inputs)} (classification, regression, embedding, ...)",
    )


def task_problems(task: Any, inputs: list[str] | None) -> list[TaskProblem]:
    """Every problem of `task` for a spec with `inputs` (None when the inputs are invalid)."""
    problems = []
    if inputs is not None:
        found = input_problem(task.type, inputs)
        problems += [found] if found else []
    return problems + field_problems(task, inputs)


def sensible_inputs(task_type: str, inputs: list[str]) -> bool:
    """True when the table finds nothing wrong with `task_type` reading `inputs`."""
    return input_problem(task_type, inputs) is None
