"""The segformer architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="segformer",
    model="SegFormer",
    config="SegFormerConfig",
    default_budget=3_752_694,  # SegFormer-B0
    has_variants=True,
)
