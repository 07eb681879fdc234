"""`metagen export`: TorchScript traced here and ONNX by the run's export.py, each loaded back
by its own runtime and equal to PyTorch at batches 1 and 7; preprocessing.json beside them."""

from __future__ import annotations

import json
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import torch
from tests.e2e.runs import METAGEN
from tests.paths import EXAMPLE_SPECS

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.codegen.package import config_json
from metagen.export.torchscript import export_torchscript
from metagen.planning import make_blueprint
from metagen.report.predictions import load_trained
from metagen.spec import load_spec

# Graphs are batched as one disjoint union: the leading axis counts nodes, not samples, so a
# traced graph cannot leave it free (ONNX's dynamo export is the way for them).
NOT_TRACEABLE = {"gnn"}
DEFAULT_SUITE = {"resnet", "decoder_lm", "clip", "gnn"}


@cache
def smoke_of_each_arch() -> dict[str, tuple[str, dict]]:
    found: dict[str, tuple[str, dict]] = {}
    for spec in EXAMPLE_SPECS:
        config = json.loads(config_json(make_blueprint(load_spec(spec))))
        found.setdefault(config["arch"], (config["arch"], config["scales"]["smoke"]["model"]))
    return found


def _metagen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([METAGEN, *args], capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(
    "arch",
    [pytest.param(a, marks=() if a in DEFAULT_SUITE else pytest.mark.slow)
     for a in sorted(smoke_of_each_arch())],
)  # fmt: skip
def test_every_arch_traces_with_a_free_batch_or_is_refused(arch) -> None:
    _, dims = smoke_of_each_arch()[arch]
    torch.manual_seed(0)
    model = build_from_dims(arch, dims).eval()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "model.pt"
        if arch in NOT_TRACEABLE:
            with pytest.raises(ValueError, match="fixed the batch size"):
                export_torchscript(model, arch, dims, target)
            assert not target.exists()
            return
        differences = export_torchscript(model, arch, dims, target)
        assert set(differences) == {"batch 1", "batch 7"} and max(differences.values()) <= 1e-4
        loaded = torch.jit.load(str(target))
        inputs = example_inputs_for(arch, dims, 7)
        with torch.no_grad():
            expected = torch.utils._pytree.tree_leaves(model(**inputs))
            actual = torch.utils._pytree.tree_leaves(loaded(**inputs))
        for got, want in zip(actual, expected, strict=True):
            torch.testing.assert_close(got, want, rtol=0, atol=1e-4)


def test_a_trained_run_exports_to_both_formats_with_its_preprocessing(
    trained_run, tmp_path
) -> None:
    import onnxruntime

    model, metrics, _ = load_trained(trained_run, "smoke")
    dims = metrics["model_dims"]
    for fmt, name in (("torchscript", "model.pt"), ("onnx", "model.onnx")):
        out = tmp_path / fmt
        done = _metagen("export", str(trained_run), "--format", fmt, "--out", str(out))
        assert done.returncode == 0, done.stderr
        inputs = example_inputs_for("tabular_mlp", dims, 7)
        with torch.no_grad():
            expected = model(**inputs).numpy()
        if fmt == "torchscript":
            with torch.no_grad():
                actual = torch.jit.load(str(out / name))(**inputs).numpy()
        else:
            session = onnxruntime.InferenceSession(out / name, providers=["CPUExecutionProvider"])
            actual = session.run(None, {k: v.numpy() for k, v in inputs.items()})[0]
        np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-4)
        read = json.loads((out / "preprocessing.json").read_text(encoding="utf-8"))
        assert read["inputs"] == {
            "features": {"shape": [1, dims["num_features"]], "dtype": "float32"}
        }
        assert read["data"]["kind"] == "tabular" and "pixels" not in read


def test_export_refuses_bad_input_and_leaves_nothing(trained_run, tmp_path) -> None:
    done = _metagen("export", str(trained_run), "--format", "tflite")
    assert done.returncode == 2 and "use onnx or torchscript" in done.stderr
    done = _metagen("export", str(tmp_path), "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and "not a run directory" in done.stderr
    assert not (tmp_path / "x").exists()
    (tmp_path / "a_file").write_text("")
    done = _metagen("export", str(trained_run), "--out", str(tmp_path / "a_file"))
    assert done.returncode == 2 and "is a file" in done.stderr and "Traceback" not in done.stderr
