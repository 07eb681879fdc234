"""A trained model traced to TorchScript, saved, loaded back and checked against PyTorch at
two batch sizes (the batch axis must stay free). Imports torch."""

from __future__ import annotations

import warnings
from pathlib import Path

import torch

from metagen.archs.build import example_inputs_for

CHECK_BATCHES = (1, 7)


def _leaves(outputs) -> list[torch.Tensor]:
    return [t for t in torch.utils._pytree.tree_leaves(outputs) if isinstance(t, torch.Tensor)]


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [repr(error)])[0]


def export_torchscript(model, arch: str, dims: dict, path: Path, atol: float = 1e-4) -> dict:
    """Trace `model` on a batch of 2, save it to `path` (written whole), and return the max
    |TorchScript - PyTorch| at batches 1 and 7; a ValueError where they differ by more than
    `atol` or the traced graph fixed the batch, and nothing is written."""
    model = model.eval()
    traced_on = example_inputs_for(arch, dims, 2)
    with torch.no_grad(), warnings.catch_warnings():
        # the check below is what tells whether the trace generalises, not the tracer's guess
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        traced = torch.jit.trace(model, example_kwarg_inputs=traced_on, strict=False)
    tmp = path.with_name(path.name + ".tmp")
    torch.jit.save(traced, str(tmp))
    try:
        loaded = torch.jit.load(str(tmp))
        differences = {}
        for batch in CHECK_BATCHES:
            inputs = example_inputs_for(arch, dims, batch)
            with torch.no_grad():
                expected = _leaves(model(**inputs))
                try:
                    actual = _leaves(loaded(**inputs))
                except RuntimeError as error:  # a shape the trace froze, met at run time
                    raise ValueError(f"at batch {batch} the traced model fails ({first_line(error)}): "
                                     "its graph fixed the batch size") from None  # fmt: skip
            if [t.shape for t in expected] != [t.shape for t in actual]:
                raise ValueError(f"at batch {batch} the traced model's outputs have other shapes: "
                                 "its graph fixed the batch size")  # fmt: skip
            differences[f"batch {batch}"] = max(
                float((a.detach().float() - e.float()).abs().max())
                for a, e in zip(actual, expected, strict=True)
            )
        if max(differences.values()) > atol:
            raise ValueError(f"TorchScript differs from PyTorch by more than {atol}: {differences}")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return differences
