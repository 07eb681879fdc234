"""Inputs for an instance segmenter's infer.py: the shape scenes the detectors train on (its
training adds their masks, which a prediction does not need)."""

from tests.predict.inputs.dense_detection import write_inputs

__all__ = ["write_inputs"]
