"""Inputs for an agent's infer.py: the policy-gradient agents' (observations of its
environment), which every agent reads alike."""

from tests.predict.inputs.policy_gradient import write_inputs

__all__ = ["write_inputs"]
