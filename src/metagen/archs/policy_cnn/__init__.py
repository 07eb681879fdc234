"""The policy_cnn architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="policy_cnn",
    model="PolicyCNN",
    config="PolicyCNNConfig",
    # The Nature DQN agent over 84x84 frames has 1.7M parameters, IMPALA's about 1.1M; a
    # budget of 5M leaves room for a wider last layer.
    default_budget=5_000_000,
    has_variants=True,
)
