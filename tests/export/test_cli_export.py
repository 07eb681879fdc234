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
from tests.paths import EXAMPLE_SPECS, EXAMPLES

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.codegen.package import config_json
from metagen.export.preprocessing import batch_axes
from metagen.export.torchscript import export_torchscript
from metagen.planning import make_blueprint
from metagen.report.predictions import load_trained
from metagen.spec import load_spec

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
def test_every_arch_traces_with_a_free_batch(arch) -> None:
    _, dims = smoke_of_each_arch()[arch]
    torch.manual_seed(0)
    model = build_from_dims(arch, dims).eval()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "model.pt"
        differences = export_torchscript(model, arch, dims, target)
        assert set(differences) == {"batch 1", "batch 7"} and max(differences.values()) <= 1e-4
        loaded = torch.jit.load(str(target))
        inputs = example_inputs_for(arch, dims, 7)
        with torch.no_grad():
            expected = torch.utils._pytree.tree_leaves(model(**inputs))
            actual = torch.utils._pytree.tree_leaves(loaded(**inputs))
        for got, want in zip(actual, expected, strict=True):
            torch.testing.assert_close(got, want, rtol=0, atol=1e-4)


class FixesTheBatch(torch.nn.Module):
    """A model whose trace freezes the batch it saw: int() of a size is a constant there."""

    def __init__(self, inner: torch.nn.Module, reshape: bool) -> None:
        super().__init__()
        self.inner, self.reshape = inner, reshape

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        out = self.inner(features)[: int(features.shape[0])]  # batch 1 gets 1 row, 7 gets 2
        return out.reshape(int(features.shape[0]), -1) if self.reshape else out  # 7 fails


@pytest.mark.parametrize("reshape", [False, True], ids=["other shapes", "fails"])
def test_a_trace_that_fixes_the_batch_is_refused_and_writes_nothing(reshape, tmp_path) -> None:
    _, dims = smoke_of_each_arch()["tabular_mlp"]
    model = FixesTheBatch(build_from_dims("tabular_mlp", dims), reshape)
    with pytest.raises(ValueError, match="fixed the batch size"):
        export_torchscript(model, "tabular_mlp", dims, tmp_path / "model.pt")
    assert list(tmp_path.iterdir()) == []


def graphs_of_sizes(sizes: list[int], features: int) -> dict[str, torch.Tensor]:
    """A batch of ring graphs of the given node counts, as one disjoint union."""
    edges, start = [], 0
    for n in sizes:
        ring = torch.arange(n) + start
        edges.append(torch.stack([ring, (ring - start + 1) % n + start]))
        start += n
    generator = torch.Generator().manual_seed(0)
    return {
        "x": torch.randn(start, features, generator=generator),
        "edge_index": torch.cat(edges, dim=1),
        "batch": torch.arange(len(sizes)).repeat_interleave(torch.tensor(sizes)),
    }


def test_a_graph_classifier_traces_for_graphs_of_any_count_and_size(tmp_path) -> None:
    config = json.loads(
        config_json(make_blueprint(load_spec(EXAMPLES / "graph" / "molecule_classifier.yaml")))
    )
    dims = config["scales"]["smoke"]["model"]
    torch.manual_seed(0)
    model = build_from_dims("gnn", dims).eval()
    export_torchscript(model, "gnn", dims, tmp_path / "model.pt")
    loaded = torch.jit.load(str(tmp_path / "model.pt"))
    assert batch_axes("gnn", dims) == {"x": [0], "edge_index": [1], "batch": [0]}
    for sizes in ([3], [3, 11, 5], [7] * 9):
        inputs = graphs_of_sizes(sizes, dims["in_features"])
        with torch.no_grad():
            expected, actual = model(**inputs), loaded(**inputs)
        assert actual.shape == (len(sizes), dims["num_outputs"])
        torch.testing.assert_close(actual, expected, rtol=0, atol=1e-5)


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
            "features": {"shape": [1, dims["num_features"]], "dtype": "float32", "batch_axes": [0]}
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
