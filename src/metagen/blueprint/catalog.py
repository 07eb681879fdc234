"""Named variants: published configurations, numbers only (torchtune's model builders). Each
arch keeps its own in archs/<arch>/variants.py; this module holds the Variant record.

Each entry records the parameter count its authors published, and the test suite checks the
built module against it. A variant fixes the whole shape; the solver does not resize it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from metagen.archs.registry import archs


@dataclass(frozen=True)
class Variant:
    name: str
    arch: str
    family: str
    dims: dict[str, Any]
    published_params: int
    source: str
    # Dims a spec may still set (the head's classes, the image's channels).
    adjustable: tuple[str, ...] = field(default=())
    # The components (count_params keys) that published_params counts; empty means all.
    # BERT-base's 109,482,240 is the encoder with its pooler, without the MLM head.
    published_components: tuple[str, ...] = field(default=())
    # Other archs that put a task head on this variant's encoder: the same dims plus the
    # head's, which their handler sets (BERT-base under a classifier's head is text_encoder).
    heads_on: tuple[str, ...] = field(default=())

    def published_part(self, per_component: dict[str, int]) -> int:
        """The parameters of the components the published count covers."""
        names = self.published_components or tuple(per_component)
        missing = [n for n in names if n not in per_component]
        if missing:
            raise ValueError(f"{self.name}: published components {missing} are not in the model")
        return sum(per_component[n] for n in names)


@cache
def all_variants() -> dict[str, Variant]:
    """Every arch's named variants (archs/<arch>/variants.py), by name. Read on first use:
    those modules import Variant from here."""
    return {v.name: v for row in archs().values() for v in row.variants()}


def get_variant(name: str) -> Variant | None:
    return all_variants().get(name)
