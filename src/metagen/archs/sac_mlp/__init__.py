"""The sac_mlp architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="sac_mlp",
    model="SACMLP",
    config="SACMLPConfig",
    # CleanRL's SAC and TD3 for MuJoCo use 256 x 2 ReLU MLPs (about 0.2M parameters for
    # the actor and twin critics, plus the targets); classic control learns with less: a
    # budget of 100k gives ~128 units.
    default_budget=100_000,
    has_variants=False,
)
