"""`metagen compare` puts runs of one task side by side; `metagen plan --diagram` draws the
plan with the shapes between its components."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET

from tests.e2e.runs import METAGEN
from tests.paths import EXAMPLES

from metagen.report.html_report import number_text


def _metagen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([METAGEN, *args], capture_output=True, text=True, timeout=120)


def test_compare_tables_and_overlays_runs_of_one_task(trained_run, tmp_path) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(trained_run, twin)
    done = _metagen("compare", str(trained_run), str(twin), "--out", str(tmp_path / "cmp"))
    assert done.returncode == 0, done.stderr
    metrics = json.loads((trained_run / "train/smoke/metrics.json").read_text(encoding="utf-8"))
    table = (tmp_path / "cmp" / "compare.md").read_text(encoding="utf-8")
    accuracy = number_text(metrics["eval"]["accuracy"])
    assert f"| held-out accuracy | {accuracy} | {accuracy} |" in table
    assert "| tabular (smoke) | twin (smoke) |" in table
    overlaid = json.loads((tmp_path / "cmp" / "headline.json").read_text(encoding="utf-8"))
    evals = [[e["step"], e["accuracy"]] for e in metrics["evals"]]
    assert overlaid["tabular (smoke)"] == overlaid["twin (smoke)"] == evals


def test_compare_refuses_one_run_and_runs_of_other_tasks(trained_run, tmp_path) -> None:
    assert "two runs or more" in _metagen("compare", str(trained_run)).stderr
    (tmp_path / "a_file").write_text("")
    done = _metagen(
        "compare", str(trained_run), str(trained_run), "--out", str(tmp_path / "a_file")
    )
    assert done.returncode == 2 and "is a file" in done.stderr and "Traceback" not in done.stderr
    other = tmp_path / "other"
    shutil.copytree(trained_run, other)
    metrics_path = other / "train/smoke/metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    metrics_path.write_text(json.dumps({**metrics, "task": "regression"}), encoding="utf-8")
    done = _metagen("compare", str(trained_run), str(other))
    assert done.returncode == 2 and "runs of one task" in done.stderr
    assert "Traceback" not in done.stderr


def test_plan_diagram_names_every_component_and_traces_shapes(tmp_path) -> None:
    spec = EXAMPLES / "image" / "digits_cnn.yaml"
    target = tmp_path / "digits.svg"
    done = _metagen("plan", str(spec), "--diagram", str(target))
    assert done.returncode == 0, done.stderr
    plan = json.loads(_metagen("plan", str(spec), "--json").stdout)
    svg = target.read_text(encoding="utf-8")
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    for component in plan["components"]:
        assert component["name"] in texts
        assert any(t.startswith(f"{component['params']:,} parameters") for t in texts)
    # the image goes in as 1 channel of 32x32, and the head hands on one logit per class
    assert f"images 1×{plan['dims']['in_channels']}×32×32" in texts
    assert f"1×{plan['dims']['num_classes']}" in texts


def test_plan_diagram_refuses_a_path_it_cannot_write(tmp_path) -> None:
    spec = EXAMPLES / "image" / "digits_cnn.yaml"
    for target, said in ((tmp_path / "no" / "d.svg", "create it first"),
                         (tmp_path / "d.png", "name a .svg file")):  # fmt: skip
        done = _metagen("plan", str(spec), "--diagram", str(target))
        assert done.returncode == 2 and said in done.stderr and not target.exists()


def test_shapes_of_a_model_meta_tensors_cannot_run_are_traced_for_real() -> None:
    """A GNN takes a data-dependent nonzero, which the meta device cannot run: a small model
    runs for real; a large one is said to be untraced."""
    from metagen.planning import make_blueprint, plan_dict
    from metagen.report.shapes import traced_shapes
    from metagen.spec import load_spec

    plan = plan_dict(make_blueprint(load_spec(EXAMPLES / "graph" / "molecule_classifier.yaml")))
    names = [c["name"] for c in plan["components"]]
    traced = traced_shapes(plan["arch"], plan["dims"], names, plan["params_total"])
    assert "not_traced" not in traced and traced["outputs"]
    assert traced["outputs"][names[-1]] == f"1×{plan['dims']['num_outputs']}"  # one graph's logits
    too_big = traced_shapes(plan["arch"], plan["dims"], names, 10**12)
    assert too_big["outputs"] == {} and "too large" in too_big["not_traced"]
