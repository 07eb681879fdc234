"""One registry of modality handlers, keyed by the modality a spec routes to."""

from __future__ import annotations

from metagen.blueprint.model import PlanError
from metagen.handlers.modalities.base import ModalityHandler
from metagen.handlers.planned import FAMILIES, MODALITIES, not_built
from metagen.spec import Spec

_MODALITY_REGISTRY: dict[str, type[ModalityHandler]] = {}


def register_modality(cls: type[ModalityHandler]) -> type[ModalityHandler]:
    _MODALITY_REGISTRY[cls.modality] = cls
    return cls


def registered_modalities() -> dict[str, type[ModalityHandler]]:
    return dict(_MODALITY_REGISTRY)


GENERATED_MEDIA = ("image", "audio", "video")


def route_modality(spec: Spec) -> str:
    """The modality key, as the spec language's table reads (README.md): a model that outputs one medium (and no
    text) belongs to that medium's handler whatever conditions it (text+image -> image is
    image diffusion); otherwise the single input type, or `multimodal` for several."""
    inputs, outputs = set(spec.modality.inputs), set(spec.modality.outputs)
    media = [m for m in GENERATED_MEDIA if m in outputs]
    if len(media) == 1 and "text" not in outputs:
        return media[0]
    return next(iter(inputs)) if len(inputs) == 1 else "multimodal"


def get_handler(spec: Spec) -> ModalityHandler:
    family = spec.architecture.family if spec.architecture else None
    if family in FAMILIES:  # name the missing family before the modality it would serve
        raise not_built(FAMILIES[family], "architecture.family", family)
    key = route_modality(spec)
    handler = _MODALITY_REGISTRY.get(key)
    if handler is None:
        if key in MODALITIES:
            raise not_built(MODALITIES[key], "modality.inputs", ", ".join(spec.modality.inputs))
        raise PlanError(f"No modality handler for inputs {spec.modality.inputs}.")
    return handler(spec)
