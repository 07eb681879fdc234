"""Loading: files, YAML syntax, positions, the seed specs and the torch-free import."""

import subprocess
import sys

import pytest
from tests.paths import REPO, SEED_SPEC_FILES

from metagen.spec import Spec, SpecError, SpecWarning, load_spec, parse_spec_text

MINIMAL = "name: tiny\nmodality:\n  inputs: [text]\n  outputs: [text]\n"


def _error(text: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        parse_spec_text(text, source="spec.yaml")
    return info.value


@pytest.mark.parametrize("path", SEED_SPEC_FILES, ids=lambda p: p.stem)
def test_every_seed_spec_loads_unchanged(path):
    spec = load_spec(path)
    assert isinstance(spec, Spec)
    assert spec.name == path.stem
    assert spec.metagen_version == "1.0"
    assert spec.warnings == []


def test_seed_values_are_parsed():
    specs = {p.stem: load_spec(p) for p in SEED_SPEC_FILES}
    assert specs["text_llm"].constraints.parameter_budget.max == 8_000_000_000
    assert specs["text_llm"].constraints.context_window == 262_144
    assert specs["audio_musicgen"].constraints.context_window == 32_768
    assert specs["image_vit"].constraints.parameter_budget.max == 86_000_000
    assert specs["yolo_detector"].constraints.latency.label == "real-time"
    assert specs["yolo_detector"].constraints.device == "edge"
    assert specs["atari_agent"].task.num_actions == 18
    assert specs["stock_forecaster"].task.horizon == 30
    assert specs["vlm"].task.type == "generation"  # the default task


def test_minimal_spec_gets_defaults():
    spec = parse_spec_text(MINIMAL)
    assert spec.seed == 0
    assert spec.task.type == "generation" and spec.task.domain == "generic"
    assert spec.training.precision == "auto" and spec.training.steps is None
    assert spec.constraints.parameter_budget is None
    assert spec.architecture.family is None


def test_load_spec_accepts_str_and_path(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_spec(path) == load_spec(str(path))


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(SpecError) as info:
        load_spec(missing)
    assert info.value.source == str(missing)
    assert str(missing) in str(info.value) and "no such file" in str(info.value)


def test_directory_is_not_a_spec(tmp_path):
    with pytest.raises(SpecError, match="directory"):
        load_spec(tmp_path)


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(SpecError, match="UTF-8"):
        load_spec(path)


def test_yaml_syntax_error_gives_line_and_column():
    err = _error("name: x\nmodality:\n  inputs: [text\n  outputs: [text]\n")
    assert (err.line, err.column) == (4, 10)
    assert str(err).startswith("spec.yaml:4:10: YAML syntax error")


def test_tab_indentation_is_explained():
    err = _error("name: x\nmodality:\n\tinputs: [text]\n")
    assert err.line == 3 and "spaces, not tabs" in str(err)


def test_bad_unit_names_file_field_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL + "constraints:\n  parameter_budget:\n    max: 86Q\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    err = info.value
    assert (err.source, err.line, err.column, err.field) == (
        str(path),
        7,
        10,
        "constraints.parameter_budget.max",
    )
    message = str(err)
    assert message.startswith(f"{path}:7:10: constraints.parameter_budget.max: ")
    assert "'86Q'" in message and '"86M"' in message
    assert "\n" not in message


def test_duplicate_keys_rejected():
    err = _error(MINIMAL + "seed: 1\nseed: 2\n")
    assert (err.line, err.column, err.field) == (6, 1, "seed")
    assert "duplicate key 'seed' (first given on line 5)" in str(err)


def test_nested_duplicate_keys_rejected():
    err = _error("name: x\nmodality:\n  inputs: [text]\n  inputs: [image]\n  outputs: [text]\n")
    assert (err.line, err.field) == (4, "modality.inputs")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file_rejected(text):
    assert "empty" in str(_error(text))


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n", "null\n"])
def test_top_level_must_be_a_mapping(text):
    err = _error(text)
    assert "empty" in str(err) or "top level must be a mapping" in str(err)


def test_several_documents_rejected():
    err = _error(MINIMAL + "---\nname: other\n")
    assert err.line == 5 and "one YAML document" in str(err)


def test_non_text_key_rejected():
    err = _error(MINIMAL + "1: one\n")
    assert err.line == 5 and "not text" in str(err)


def test_merge_keys_work_and_recursive_aliases_fail():
    spec = parse_spec_text(
        "name: x\nmodality:\n  inputs: &io [text]\n  outputs: *io\n"
        "task: &t {type: classification}\narchitecture: {family: cnn}\n"
    )
    assert spec.modality.outputs == ["text"]
    err = _error("name: x\nmodality: &m\n  inputs: [text]\n  outputs: [text]\n  self: *m\n")
    assert "itself" in str(err)


def test_spec_error_attributes_for_file_level_errors():
    err = _error("")
    assert (err.source, err.line, err.column, err.field) == ("spec.yaml", None, None, None)
    assert isinstance(err, Exception)


def test_warning_has_position_and_str():
    spec = parse_spec_text(
        "name: x\nmodality:\n  inputs: [text]\n  outputs: [text, taste]\n", "w.yaml"
    )
    [warning] = spec.warnings
    assert isinstance(warning, SpecWarning)
    assert (warning.field, warning.line, warning.column) == ("modality.outputs[1]", 4, 19)
    assert str(warning).startswith("w.yaml:4:19: warning: modality.outputs[1]: ")


def test_import_does_not_import_torch():
    code = "import metagen.spec, sys; assert 'torch' not in sys.modules, 'torch imported'"
    src = str(REPO / "src")
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": src, "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_unknown_yaml_tags_rejected():
    err = _error("!!python/object:os.system {}\n")
    assert "unsupported YAML tag !!python/object:os.system" in str(err)
    err = _error("name: !!python/name:os.system x\n")
    assert "unsupported YAML tag !!python/name:os.system" in str(err) and err.field == "name"


def test_unquoted_date_name_is_shown_as_written():
    err = _error("name: 2024-01-01\nmodality: {inputs: [text], outputs: [text]}\n")
    assert "got 2024-01-01; put it in quotes" in str(err)
