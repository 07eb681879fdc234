"""MetaGen's best-practice tables (from the design document our requirements come from), as
data the warning checks read.

A spec falls in one of the tables' use cases (or in none, and is not checked). A use case
lists the objectives and families the tables recommend; anything else is legal but earns a
warning, because the advice is advice: the handlers decide what they can build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metagen.spec.schema import Spec

# "Match Objective to Modality". The "Audio" row recommends autoregressive training:
# that is advice for audio generation, so it is read as such (an audio classifier trains on
# labels, as an image classifier does).
RECOMMENDED_OBJECTIVES = {
    "text generation": ("autoregressive", "masked"),
    "image generation": ("diffusion",),
    "image classification": ("classification", "contrastive"),
    "audio generation": ("autoregressive",),
    "multi-modal": ("contrastive", "autoregressive"),
}

# "Match Architecture to Task". `hybrid` (a convolutional stem feeding a ViT) is added to the
# image-classification row: it is the tables' own image family, half cnn and half ViT.
RECOMMENDED_FAMILIES = {
    "text generation": ("transformer",),
    "image generation": ("diffusion",),
    "image classification": ("transformer", "cnn", "hybrid"),
    "multi-modal": ("transformer", "hybrid"),
}


def best_practice_use_case(spec: Spec) -> str | None:
    """The row of the tables that ``spec`` belongs to, or None when none fits.

    A model that generates one medium and no text is that medium's generator, whatever
    conditions it (text + image -> image is image generation), as the handlers route it."""
    inputs, outputs = set(spec.modality.inputs), set(spec.modality.outputs)
    task_type = spec.task.type if spec.task else "generation"
    objectives = set(spec.training.objective) if spec.training else set()
    classifying = (
        task_type == "classification"
        or "label" in outputs
        or (task_type == "generation" and "classification" in objectives)
    )
    if task_type not in ("generation", "classification"):
        return None  # detection, forecasting, ...: the tables do not cover them
    if classifying:
        return "image classification" if inputs == {"image"} else None
    if "text" not in outputs:
        if outputs & {"image", "audio", "video"} == {"image"}:
            return "image generation"
        if outputs & {"image", "audio", "video"} == {"audio"}:
            return "audio generation"
        return None
    if len(inputs) > 1:
        return "multi-modal"
    return "text generation" if inputs == {"text"} and outputs == {"text"} else None
