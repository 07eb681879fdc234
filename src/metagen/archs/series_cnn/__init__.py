"""The series_cnn architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="series_cnn",
    model="SeriesCNN",
    config="SeriesCNNConfig",
    default_budget=300_000,  # Wang et al. 2017: three blocks of 64 to 128 filters
    has_variants=False,
)
