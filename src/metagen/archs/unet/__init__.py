"""The unet architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="unet",
    model="UNet",
    config="UNetConfig",
    default_budget=35_700_000,  # DDPM's CIFAR-10 U-Net
    has_variants=False,
)
