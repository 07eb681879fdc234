"""The world_transformer architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="world_transformer",
    model="WorldTransformer",
    config="WorldTransformerConfig",
    # Two transformer layers of width 64 over (latent, action) tokens and the world model's
    # encoder, decoder, continuation and value MLPs are about 130k parameters for CartPole;
    # 200k leaves room to widen.
    default_budget=200_000,
    has_variants=False,
)
