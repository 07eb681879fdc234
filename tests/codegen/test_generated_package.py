"""The generated package, for every example spec: standalone, exact, and the same model as
the library builds."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest
import torch
from tests.codegen.generated import generated_package, synth_run
from tests.paths import EXAMPLE_SPECS, REPO, spec_id

from metagen.archs.build import build_from_dims, example_inputs_for

RUFF = REPO / ".venv" / "bin" / "ruff"


@pytest.fixture(scope="module", params=EXAMPLE_SPECS, ids=spec_id)
def run_dir(request, tmp_path_factory):
    return synth_run(request.param, tmp_path_factory.mktemp("synth"))


def test_meta_build_has_planned_params_within_budget(run_dir) -> None:
    plan = json.loads((run_dir / "blueprint" / "params.json").read_text())
    with generated_package(run_dir / "code") as model_py, torch.device("meta"):
        model = model_py.build_model()
    built = sum(p.numel() for p in model.parameters())
    assert built == plan["params_total"]
    seen: set[int] = set()  # a tied LM head shares the embedding and counts 0
    for component in plan["components"]:
        own = [p for p in getattr(model, component["name"]).parameters() if id(p) not in seen]
        seen.update(id(p) for p in own)
        assert sum(p.numel() for p in own) == component["params"], component["name"]
    if plan["budget_max"] and not plan["variant"]:
        assert 0.9 * plan["budget_max"] <= built <= plan["budget_max"]


@pytest.mark.parametrize("scale", ["smoke"])
def test_generated_model_equals_library_model(run_dir, scale) -> None:
    config = json.loads((run_dir / "code" / "config.json").read_text())
    dims = config["scales"][scale]["model"]
    torch.manual_seed(0)
    library = build_from_dims(config["arch"], dims).eval()
    with generated_package(run_dir / "code") as model_py:
        generated = model_py.build_model(scale).eval()
        inputs = model_py.example_inputs(2, scale)
    library_state = library.state_dict()
    assert list(generated.state_dict()) == list(library_state)
    generated.load_state_dict(library_state)
    for key, tensor in example_inputs_for(config["arch"], dims, 2).items():
        torch.testing.assert_close(inputs[key], tensor)
    with torch.no_grad():
        torch.testing.assert_close(generated(**inputs), library(**inputs))


def test_generated_code_is_standalone_and_lints(run_dir) -> None:
    code = run_dir / "code"
    for path in code.glob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any(n.startswith("metagen") for n in names), (
                    f"{path.name} imports metagen"
                )
    result = subprocess.run(
        [str(RUFF), "check", "--no-cache", "."], cwd=code, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


# One interpreter for every example's four scripts: torch is imported once, not 68 times.
# Each package's modules (model, data, ...) are forgotten before the next package's load.
HELP_EVERY = """
import contextlib, io, json, os, runpy, sys
root, codes, results = sys.argv[1], sys.argv[2:], {}
for code in codes:
    for name in [n for n, m in sys.modules.items()
                 if (getattr(m, "__file__", None) or "").startswith(root)]:
        del sys.modules[name]
    os.chdir(code)
    sys.path[0] = code
    shown, problems = io.StringIO(), []
    for script in ("train.py", "evaluate.py", "infer.py", "export.py"):
        sys.argv = [script, "--help"]
        try:
            with contextlib.redirect_stdout(shown):
                runpy.run_path(script, run_name="__main__")
            problems.append(script + " --help did not exit")
        except SystemExit as done:
            if done.code not in (0, None):
                problems.append(f"{script} --help exited {done.code}")
        except Exception as error:
            problems.append(f"{script}: {type(error).__name__}: {error}")
    results[code] = {"usages": shown.getvalue().count("usage:"), "problems": problems}
print(json.dumps(results))
"""


def test_every_examples_scripts_have_help(tmp_path) -> None:
    codes = [str(synth_run(spec, tmp_path / spec_id(spec).replace("/", "_")) / "code")
             for spec in EXAMPLE_SPECS]  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", HELP_EVERY, str(tmp_path), *codes],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(result.stdout.splitlines()[-1])
    failed = {
        spec_id(spec): outcome
        for spec, code in zip(EXAMPLE_SPECS, codes, strict=True)
        if (outcome := results[code])["usages"] != 4 or outcome["problems"]
    }
    assert not failed, failed


@pytest.fixture(scope="module")
def tiny_lm_run(tmp_path_factory):
    # evaluate.py's argument handling is the same template for every task: one spec suffices
    return synth_run(
        REPO / "examples" / "specs" / "text" / "tiny_lm.yaml", tmp_path_factory.mktemp("lm")
    )


@pytest.mark.parametrize("case", ["missing checkpoint", "out is a file"])
def test_evaluate_rejects_bad_input_and_writes_nothing(tiny_lm_run, tmp_path, case) -> None:
    taken = tmp_path / "taken.txt"
    taken.write_text("not a folder", encoding="utf-8")
    out = taken if case == "out is a file" else tmp_path / "eval"
    result = subprocess.run(
        [
            sys.executable,
            "evaluate.py",
            "--checkpoint",
            str(tmp_path / "nowhere"),
            "--out",
            str(out),
        ],
        cwd=tiny_lm_run / "code",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: cannot evaluate")
    expected = "is a file" if case == "out is a file" else "metrics.json"
    assert expected in result.stderr
    assert taken.read_text(encoding="utf-8") == "not a folder"
    assert not (tmp_path / "eval").exists()
