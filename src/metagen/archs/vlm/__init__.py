"""The vlm architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="vlm",
    model="VLM",
    config="VLMConfig",
    default_budget=1_000_000_000,  # the 1B class of small VLMs (InternVL2-1B, SmolVLM)
    has_variants=False,
)
