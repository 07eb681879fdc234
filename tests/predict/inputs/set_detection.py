"""Inputs for a set-prediction detector's (DETR's) infer.py: the shape scenes every detector
here trains on."""

from tests.predict.inputs.dense_detection import write_inputs

__all__ = ["write_inputs"]
