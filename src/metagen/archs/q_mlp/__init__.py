"""The q_mlp architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="q_mlp",
    model="QMLP",
    config="QMLPConfig",
    # RL Baselines3 Zoo's DQN for classic control: two hidden layers of 256 units, about 68k
    # parameters on CartPole; a budget of 100k leaves room to widen.
    default_budget=100_000,
    has_variants=False,
)
