"""weights/model.safetensors: a tied tensor is stored once, slices of one storage each."""

from __future__ import annotations

import torch
from safetensors.torch import load

from metagen.checkpoint_import.run import safetensors_bytes


def test_tied_tensors_are_stored_once_and_slices_are_copied():
    base = torch.arange(12.0).reshape(4, 3)
    tensors = {"q": base[:2], "k": base[2:], "embedding": base, "head": base}
    stored = load(safetensors_bytes(tensors))
    assert sorted(stored) == ["embedding", "k", "q"]  # head is the embedding, tied
    for name in stored:
        assert torch.equal(stored[name], tensors[name])
