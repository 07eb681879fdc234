"""The world_rssm architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="world_rssm",
    model="WorldRSSM",
    config="WorldRSSMConfig",
    # A GRU of 64 units, a Gaussian stochastic state of 32 values and the encoder, decoder,
    # reward, continuation and value MLPs of 64 units are about 110k parameters for CartPole;
    # 200k leaves room to widen.
    default_budget=200_000,
    has_variants=False,
)
