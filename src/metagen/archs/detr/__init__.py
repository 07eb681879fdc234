"""The detr architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="detr",
    model="DETR",
    config="DetrConfig",
    default_budget=41_500_000,  # the DETR-R50 class (41.3M)
    has_variants=False,
)
