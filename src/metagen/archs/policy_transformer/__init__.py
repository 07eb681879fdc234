"""The policy_transformer architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="policy_transformer",
    model="PolicyTransformer",
    config="PolicyTransformerConfig",
    # A small causal transformer over the last observations: two layers of width 64 are
    # about 100k parameters; the budget leaves room for the solver to widen or deepen it.
    default_budget=200_000,
    has_variants=False,
)
