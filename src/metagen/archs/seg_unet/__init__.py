"""The seg_unet architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="seg_unet",
    model="SegUNet",
    config="SegUNetConfig",
    default_budget=31_037_698,  # U-Net (Ronneberger et al. 2015): 64 to 1024 channels
    has_variants=True,
)
