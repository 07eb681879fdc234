"""The CLI contracts of README.md ("Use") for every shipped spec: validate, plan, synth, schema.

Each test is parametrized over `tests.paths`, so a new example or seed spec is covered
without touching this file.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from tests.cli.helpers import BASE_SPEC, entries, error_paragraph, invoke, replace_line, write_spec
from tests.paths import EXAMPLE_SPECS, NOT_BUILT_SPECS, SEEDS_BUILT, seed_spec, spec_id

# Words the "not built yet" message must use for the seeds we know; a new seed only needs
# the generic "needs <capability>, which is not built yet" sentence.
CAPABILITY = {
    "dreamer_world_model": ("imagination",),
    "fusion_detector": ("fusion",),
    "audio_musicgen": ("audio",),
    "image_diffusion": ("diffusion",),
    "molecule_classifier": ("graph neural network", "graph classification"),
    "multimodal_clip": ("multi-modal",),
    "stock_forecaster": ("time-series", "time series"),
    "video_gen": ("video", "diffusion"),
    "vlm": ("multi-modal", "vision-language"),
    "yolo_detector": ("object detection",),
}

IMPORTED = re.compile(r"^\s*(?:import|from)\s+(\w+)", re.MULTILINE)

RUN_LAYOUT = [
    "spec_resolved.yaml",
    "blueprint/architecture.yaml",
    "blueprint/params.json",
    "code/model.py",
    "code/train.py",
    "code/evaluate.py",
    "code/infer.py",
    "code/export.py",
    "code/config.json",
    "code/requirements.txt",
    "docs/model_card.md",
    "docs/limitations.md",
]


def _ids(paths):
    return [spec_id(p) for p in paths]


def _plan_json(spec) -> dict:
    result = invoke("plan", spec, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_spec_lists_are_not_empty():
    assert EXAMPLE_SPECS, "no example specs found"
    assert all(seed_spec(name) in EXAMPLE_SPECS for name in SEEDS_BUILT)


# 1. validate ------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=_ids(EXAMPLE_SPECS))
def test_validate_accepts_every_example_spec(spec):
    result = invoke("validate", spec)
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout
    assert "error" not in result.stderr


def test_validate_prints_warnings_and_still_succeeds(tmp_path):
    spec = write_spec(tmp_path, replace_line(BASE_SPEC, "outputs: [text]", "  outputs: [taste]"))
    result = invoke("validate", spec)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "'taste'" in warnings[0], result.stderr


def test_synth_shows_the_warning_and_records_it_in_the_docs(tmp_path):
    spec = write_spec(tmp_path, replace_line(BASE_SPEC, "outputs: [text]", "  outputs: [taste]"))
    result = invoke("synth", spec, "--out", tmp_path / "runs", "--run-id", "r")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "taste" in result.stderr
    docs = tmp_path / "runs" / "r" / "docs"
    assert any("taste" in p.read_text(encoding="utf-8") for p in docs.glob("*.md"))
    limitations = (docs / "limitations.md").read_text(encoding="utf-8")
    # The docs escape markdown punctuation, so look for the words.
    [note] = [line for line in limitations.splitlines() if "Approximation" in line]
    assert "taste" in note and "supported modality" in note and "language model" in note


# 2. plan ----------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=_ids(EXAMPLE_SPECS))
def test_plan_json_is_exact_and_complete(spec):
    plan = _plan_json(spec)
    total = plan["params_total"]
    assert type(total) is int and total > 0
    assert plan["budget_max"] is None or type(plan["budget_max"]) is int
    if plan["budget_max"] is not None:
        assert total <= plan["budget_max"]
    components = plan["components"]
    assert isinstance(components, list) and components
    for component in components:
        assert set(component) >= {"name", "params"}
        assert isinstance(component["name"], str) and component["name"]
        assert type(component["params"]) is int and component["params"] >= 0
    assert sum(c["params"] for c in components) == total
    assert type(plan["flops_per_sample"]) is int and plan["flops_per_sample"] > 0

    memory = plan["memory"]
    byte_fields = {k: v for k, v in memory.items() if k.endswith("_bytes")}
    assert {"weights_fp32_bytes", "training_adamw_bytes", "inference_bf16_bytes"} <= set(
        byte_fields
    )
    assert all(type(v) is int and v > 0 for v in byte_fields.values()), memory
    assert memory["weights_fp32_bytes"] == 4 * total
    assert memory["training_adamw_bytes"] >= memory["weights_fp32_bytes"]


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=_ids(EXAMPLE_SPECS))
def test_plan_json_sizes_the_kv_cache_of_a_causal_decoder_only(spec):
    plan = _plan_json(spec)
    memory = plan["memory"]
    # A causal decoder (text or audio LM) names the KV heads it caches in its dims; the plan
    # sizes its cache at the context window.
    if "n_kv_heads" not in plan["dims"] or "kv_cache_context_length" not in memory:
        assert plan["task"] not in ("language_modeling", "audio_generation")
        assert "kv_cache_bf16_bytes" not in memory
        assert memory["inference_bf16_bytes"] == 2 * plan["params_total"]
        return
    assert type(memory["kv_cache_bf16_bytes"]) is int and memory["kv_cache_bf16_bytes"] > 0
    dims, positions = plan["dims"], plan["dims"]["context_length"]
    if dims.get("fusion") == "early":  # a VLM caches its image tokens before the text
        positions += (dims["image_size"] // dims["patch_size"]) ** 2
    assert memory["kv_cache_context_length"] == positions
    assert memory["inference_bf16_bytes"] == (
        memory["weights_bf16_bytes"] + memory["kv_cache_bf16_bytes"]
    )


@pytest.mark.parametrize("spec", EXAMPLE_SPECS[:1], ids=_ids(EXAMPLE_SPECS[:1]))
def test_plan_prints_a_readable_table(spec):
    plan = _plan_json(spec)
    result = invoke("plan", spec)
    assert result.exit_code == 0, result.output
    assert f"{plan['params_total']:,}" in result.stdout
    for component in plan["components"]:
        assert component["name"] in result.stdout


@pytest.mark.parametrize("spec", NOT_BUILT_SPECS, ids=_ids(NOT_BUILT_SPECS))
@pytest.mark.parametrize("command", ["validate", "plan", "synth"])
def test_unbuilt_capability_stops_with_not_built_yet(spec, command, tmp_path):
    out = tmp_path / "runs"
    args = ["synth", spec, "--out", out, "--run-id", "r"] if command == "synth" else [command, spec]
    message = error_paragraph(invoke(*args))
    needs = re.search(r"needs (.+?), which is not built yet", message)
    assert needs, message
    expected = CAPABILITY.get(spec.stem)
    if expected:
        assert any(word in needs.group(1) for word in expected), message
    assert entries(out) == []
    assert entries(tmp_path) == []


# Layout of a run directory ----------------------------------------------------------------


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=_ids(EXAMPLE_SPECS))
def test_synth_writes_the_documented_run_directory(spec, tmp_path):
    out = tmp_path / "runs"
    result = invoke("synth", spec, "--out", out, "--run-id", "r1")
    assert result.exit_code == 0, result.output
    run = out / "r1"
    assert entries(out) == ["r1"], "no staging folder may be left behind"
    for rel in RUN_LAYOUT:
        assert (run / rel).is_file(), rel
    assert (run / "logs").is_dir()

    # The plan inside the run is the plan the CLI prints.
    assert (run / "blueprint" / "params.json").read_text(encoding="utf-8") == invoke(
        "plan", spec, "--json"
    ).stdout
    resolved = yaml.safe_load((run / "spec_resolved.yaml").read_text(encoding="utf-8"))
    source = yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert resolved["name"] == source["name"]
    assert resolved["modality"]["inputs"] == source["modality"]["inputs"]
    architecture = yaml.safe_load((run / "blueprint" / "architecture.yaml").read_text("utf-8"))
    assert architecture["name"] == source["name"]

    for path in (run / "code").rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    requirements = (run / "code" / "requirements.txt").read_text(encoding="utf-8")
    assert "metagen" not in requirements.lower()
    imported = {
        name
        for path in (run / "code").rglob("*.py")
        for name in IMPORTED.findall(path.read_text(encoding="utf-8"))
    }
    assert "metagen" not in imported, "the generated code must not need metagen"


# 8. schema --------------------------------------------------------------------------------


def test_schema_is_json_with_the_spec_sections():
    result = invoke("schema")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert {"modality", "constraints", "architecture"} <= set(schema["properties"])
    assert "name" in schema.get("required", [])
