"""The policy_mlp architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="policy_mlp",
    model="PolicyMLP",
    config="PolicyMLPConfig",
    # CleanRL's and RL Zoo's classic-control agents: two hidden layers of 64 units for the
    # actor and the critic each, about 10k parameters; a budget of 100k leaves room to widen.
    default_budget=100_000,
    has_variants=False,
)
