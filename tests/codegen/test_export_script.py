"""The generated export.py: an ONNX graph with a dynamic batch axis (and a text's length where
the model allows it), checked here again in onnxruntime against the package's PyTorch model at
batches other than the traced one."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import onnxruntime
import pytest
import torch
from tests.codegen.generated import generated_package, synth_run
from tests.paths import EXAMPLE_SPECS, EXAMPLES, spec_id

# an image classifier and a text model (a bidirectional encoder: its length may vary); every
# other example, the forecaster and the graphs included, is exported by the slow test below
KINDS = {
    EXAMPLES / "image" / "image_vit.yaml": False,
    EXAMPLES / "text" / "masked_lm.yaml": True,
}


def export_and_compare(spec_path, tmp_path) -> bool:
    """Export untrained weights, compare in onnxruntime; whether the text length varies."""
    code = synth_run(spec_path, tmp_path / "synth") / "code"
    out = tmp_path / "onnx"
    out.mkdir()
    result = subprocess.run(
        [sys.executable, "export.py", "--untrained", "--output", str(out / "model.onnx")],
        cwd=code,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"wrote {out / 'model.onnx'}" in result.stdout
    assert [p.name for p in out.iterdir()] == ["model.onnx"]  # no staging folder left
    session = onnxruntime.InferenceSession(out / "model.onnx", providers=["CPUExecutionProvider"])
    # a named batch axis: the leading one, or a graph's edges (2, E)
    assert all(any(isinstance(axis, str) for axis in i.shape) for i in session.get_inputs())
    with generated_package(code) as model_py:
        dims = model_py.model_dims("smoke")
        torch.manual_seed(0)  # export.py's --untrained weights
        model = model_py.build_model(dims=dims).eval()
        cases = [model_py.example_inputs(b, dims=dims) for b in (1, 7)]
    varying = [
        i.name
        for i in session.get_inputs()
        if len(i.shape) == 2 and all(isinstance(axis, str) for axis in i.shape)
    ]  # (batch, tokens), not a graph's (2, edges)
    if varying:  # a text's length is open too: a shorter one must give the same outputs
        cases.append(
            {k: v[:, : v.shape[1] // 3] if k in varying else v for k, v in cases[1].items()}
        )
    for inputs in cases:
        with torch.no_grad():
            expected = torch.utils._pytree.tree_leaves(model(**inputs))
        feeds = {i.name: inputs[i.name].numpy() for i in session.get_inputs()}
        actual = session.run(None, feeds)
        assert len(actual) == len(expected)
        for got, want in zip(actual, expected, strict=True):
            np.testing.assert_allclose(got, want.detach().numpy(), rtol=0, atol=1e-4)
    return bool(varying)


@pytest.mark.parametrize("spec_path", KINDS, ids=spec_id)
def test_export_has_a_dynamic_batch_that_matches_torch(spec_path, tmp_path) -> None:
    assert export_and_compare(spec_path, tmp_path) == KINDS[spec_path]


def test_export_refuses_to_guess_which_weights(tmp_path) -> None:
    code = synth_run(EXAMPLES / "tabular" / "tabular_classifier.yaml", tmp_path / "synth") / "code"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    result = subprocess.run(
        [sys.executable, str(code / "export.py")],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--checkpoint" in result.stderr and "--untrained" in result.stderr
    assert list(cwd.iterdir()) == []  # no model.onnx of random weights in the cwd


def test_an_export_that_fails_its_check_writes_nothing(tmp_path) -> None:
    code = synth_run(EXAMPLES / "tabular" / "tabular_classifier.yaml", tmp_path / "synth") / "code"
    out = tmp_path / "onnx"
    out.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "export.py",
            "--untrained",
            "--atol",
            "-1",
            "--output",
            str(out / "m.onnx"),
        ],
        cwd=code,
        capture_output=True,
        text=True,
        timeout=600,
    )  # no difference is below -1
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: {out / 'm.onnx'} not written; the check" in result.stderr
    assert list(out.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("spec_path", [p for p in EXAMPLE_SPECS if p not in KINDS], ids=spec_id)
def test_every_example_exports_with_a_dynamic_batch(spec_path, tmp_path) -> None:
    export_and_compare(spec_path, tmp_path)
