"""The fusion_net architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="fusion_net",
    model="FusionNet",
    config="FusionNetConfig",
    # Two or three modalities at width 64 with two-layer encoders and a hybrid fusion are
    # about 150k-300k parameters; 500k leaves room to widen.
    default_budget=500_000,
    has_variants=False,
    stage_parts=("preprocess", "encoders", "fusion", "head"),
)
