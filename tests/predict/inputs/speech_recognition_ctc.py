"""Inputs for a CTC speech recognizer's infer.py: the same spoken words as an
encoder-decoder recognizer's."""

from tests.predict.inputs.speech_recognition import write_inputs

__all__ = ["write_inputs"]
