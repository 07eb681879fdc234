"""The anomaly_autoencoder architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="anomaly_autoencoder",
    model="AnomalyAutoencoder",
    config="AnomalyAutoencoderConfig",
    default_budget=1_000_000,
    has_variants=False,
)
