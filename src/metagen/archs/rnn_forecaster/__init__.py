"""The rnn_forecaster architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="rnn_forecaster",
    model="RNNForecaster",
    config="RNNForecasterConfig",
    default_budget=1_000_000,
    has_variants=False,
)
