"""Best-effort approximation of output modalities MetaGen does not support (`taste`,
say): the spec is rewritten to the nearest output that is built, and the plan says so.

What the unsupported output becomes follows what the inputs can produce:
- from text, or text + image: text, a description of it in words (a language model);
- from one image, audio or video input: a label, one of `task.num_classes` categories of it.
"""

from __future__ import annotations

from metagen.blueprint.model import PlanError
from metagen.spec import Spec
from metagen.spec.schema import Task
from metagen.spec.vocab import KNOWN_OUTPUT_MODALITIES

CATEGORISED_INPUTS = ("image", "audio", "video")


def approximate_outputs(spec: Spec) -> tuple[Spec, list[str]]:
    """``spec`` with unsupported outputs replaced by a built one, and a note for each."""
    outputs = list(spec.modality.outputs)
    unsupported = [o for o in outputs if o not in KNOWN_OUTPUT_MODALITIES]
    if not unsupported:
        return spec, []
    inputs = set(spec.modality.inputs)
    task = spec.task or Task()
    named = ", ".join(repr(o) for o in unsupported)
    if "text" in inputs and inputs <= {"text", "image"}:
        stand_in, how = "text", "text that describes it (written by a language model)"
    elif (
        len(inputs) == 1
        and inputs <= set(CATEGORISED_INPUTS)
        and task.type in ("generation", "classification")
    ):
        stand_in = "label"
        how = (
            "a label (one of task.num_classes categories of it, predicted from the "
            f"{next(iter(inputs))} by a classifier)"
        )
        task = task.model_copy(update={"type": "classification"})
    else:
        raise PlanError(
            f"modality.outputs {named} is not a modality MetaGen supports, and no built model "
            f"approximates it from inputs {spec.modality.inputs} with task.type '{task.type}'. "
            "Replace it with a supported output (text, image, audio, video, label, embedding, "
            "...), or use text or one image, audio or video input, which approximate it as "
            "text or as labels."
        )
    kept = [o for o in outputs if o in KNOWN_OUTPUT_MODALITIES]
    approximated = spec.model_copy(
        update={
            "modality": spec.modality.model_copy(
                update={"outputs": kept if stand_in in kept else [*kept, stand_in]}
            ),
            "task": task if spec.task is not None or stand_in == "label" else spec.task,
        }
    )
    notes = [
        f"Approximation: output {o!r} is not a supported modality, so the model outputs {how} "
        f"in its place. Nothing in this model represents {o!r} directly."
        for o in unsupported
    ]
    return approximated, notes
