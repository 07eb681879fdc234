"""The resnet architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="resnet",
    model="ResNet",
    config="ResNetConfig",
    default_budget=11_700_000,
    has_variants=True,
)
