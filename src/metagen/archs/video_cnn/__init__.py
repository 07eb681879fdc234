"""The video_cnn architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="video_cnn",
    model="VideoCNN",
    config="VideoCNNConfig",
    default_budget=33_400_000,  # R3D-18
    has_variants=True,
)
