"""The world_model architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="world_model",
    model="WorldModel",
    config="WorldModelConfig",
    # Six small MLPs (encoder, dynamics, decoder, reward, continuation, value) of 64 units
    # over a 32-value latent are about 40k parameters for CartPole; 100k leaves room to widen.
    default_budget=100_000,
    has_variants=False,
)
