"""Inputs for a fusion regressor's infer.py: samples as the fusion classifier's."""

from __future__ import annotations

from tests.predict.inputs.fusion_classification import write_inputs

__all__ = ["write_inputs"]
