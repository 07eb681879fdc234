"""The schema: unknown keys, closed vocabularies, names, free text, per-section rules."""

import json

import pytest

from metagen.spec import Spec, SpecError, parse_spec_text
from metagen.spec.vocab import (
    DEVICES,
    FAMILIES,
    INPUT_MODALITIES,
    KNOWN_OUTPUT_MODALITIES,
    OBJECTIVES,
    TASK_TYPES,
)

HEAD = "name: tiny\nmodality:\n  inputs: [text]\n  outputs: [text]\n"


def _load(text: str) -> Spec:
    return parse_spec_text(text, source="spec.yaml")


def _error(text: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        _load(text)
    return info.value


def test_unknown_top_level_key_lists_accepted_keys():
    err = _error(HEAD + "optimiser: adam\n")
    assert (err.line, err.column, err.field) == (5, 1, "optimiser")
    message = str(err)
    assert "unknown key 'optimiser'" in message
    for key in Spec.model_fields:
        assert key in message


@pytest.mark.parametrize(
    ("extra", "field", "expected_keys"),
    [
        ("task:\n  typ: classification\n", "task.typ", "type, domain, num_classes"),
        ("constraints:\n  params: 5M\n", "constraints.params", "parameter_budget, context_window"),
        (
            "constraints:\n  parameter_budget:\n    maximum: 5M\n",
            "constraints.parameter_budget.maximum",
            "max, min",
        ),
        ("architecture:\n  overrides: {d_model: 8}\n", "architecture.overrides", "family, variant"),
        ("training:\n  lr: 0.1\n", "training.lr", "objective, steps, batch_size"),
    ],
)
def test_unknown_nested_key(extra, field, expected_keys):
    err = _error(HEAD + extra)
    assert err.field == field
    assert err.line == extra.count("\n") + 4  # the unknown key is on the last line
    assert expected_keys in str(err)


def test_unknown_nested_key_suggests_the_close_one():
    assert "Did you mean 'type'?" in str(_error(HEAD + "task: {typ: classification}\n"))


@pytest.mark.parametrize(
    ("text", "field", "accepted"),
    [
        (
            "name: x\nmodality: {inputs: [smell], outputs: [text]}\n",
            "modality.inputs[0]",
            INPUT_MODALITIES,
        ),
        (HEAD + "task: {type: dancing}\n", "task.type", TASK_TYPES),
        (HEAD + "architecture: {family: quantum}\n", "architecture.family", FAMILIES),
        (HEAD + "training: {objective: [guessing]}\n", "training.objective[0]", OBJECTIVES),
        (HEAD + "constraints: {device: toaster}\n", "constraints.device", DEVICES),
    ],
)
def test_unknown_vocabulary_value_lists_accepted(text, field, accepted):
    err = _error(text)
    assert err.field == field
    assert f"Accepted values: {', '.join(accepted)}" in str(err)


def test_near_miss_gets_a_suggestion():
    err = _error(HEAD + "task: {type: clasification}\n")
    assert "Did you mean 'classification'?" in str(err)


def test_unknown_output_is_a_warning_and_value_is_kept():
    spec = _load("name: x\nmodality:\n  inputs: [text]\n  outputs: [taste]\n")
    assert spec.modality.outputs == ["taste"]
    [warning] = spec.warnings
    assert warning.field == "modality.outputs[0]"
    assert "best-effort approximation" in warning.message
    assert (warning.line, warning.column) == (4, 13)


@pytest.mark.parametrize("output", KNOWN_OUTPUT_MODALITIES)
def test_known_outputs_do_not_warn(output):
    assert _load(f"name: x\nmodality: {{inputs: [text], outputs: [{output}]}}\n").warnings == []


@pytest.mark.parametrize(
    "name",
    [
        "a/b",
        "..",
        "a..b",
        "../etc",
        '"quoted"',
        "it's",
        "has space",
        "",
        "-lead",
        ".hidden",
        "x" * 129,
        "naïve",
    ],
)
def test_unsafe_names_rejected(name):
    err = _error(f"name: {json.dumps(name)}\nmodality: {{inputs: [text], outputs: [text]}}\n")
    assert err.field == "name"
    assert "letters A-Z and a-z, digits 0-9, '.', '_' and '-'" in str(err)


@pytest.mark.parametrize("name", ["text_llm", "a", "Model-2.1", "9lives", "x" * 128])
def test_safe_names_accepted(name):
    assert _load(f"name: {name}\nmodality: {{inputs: [text], outputs: [text]}}\n").name == name


def test_number_name_is_explained():
    err = _error("name: 123\nmodality: {inputs: [text], outputs: [text]}\n")
    assert "put it in quotes" in str(err)


DESCRIPTION = 'He said "hi" and \'bye\'\n"""triple"""\n{{ jinja }} {% raw %} $HOME \\n tab\there\n'


def test_description_is_preserved_exactly():
    text = HEAD + "description: |\n" + "".join(f"  {line}\n" for line in DESCRIPTION.splitlines())
    assert _load(text).description == DESCRIPTION


def test_description_in_double_quotes_with_escapes():
    assert _load(HEAD + 'description: "a \\"b\\"\\n{{c}}"\n').description == 'a "b"\n{{c}}'


def test_metagen_version():
    assert _load('metagen_version: "1.0"\n' + HEAD).metagen_version == "1.0"
    assert _load("metagen_version: 1.0\n" + HEAD).metagen_version == "1.0"  # unquoted float
    err = _error('metagen_version: "2.0"\n' + HEAD)
    assert err.field == "metagen_version" and "1.0" in str(err)


@pytest.mark.parametrize("value", ["-1", "true", '"5"', "1.5", str(2**32), str(2**64)])
def test_seed_must_be_a_32_bit_non_negative_integer(value):
    assert _error(HEAD + f"seed: {value}\n").field == "seed"


def test_largest_seed_loads():
    assert _load(HEAD + f"seed: {2**32 - 1}\n").seed == 2**32 - 1


@pytest.mark.parametrize("field", ["num_classes", "horizon", "lookback", "num_actions"])
@pytest.mark.parametrize("value", [0, -3])
def test_task_counts_must_be_positive(field, value):
    err = _error(HEAD + f"task: {{type: classification, {field}: {value}}}\n")
    assert err.field == f"task.{field}"
    assert f"{value} is too small: it must be at least 1" in str(err)
    assert "at least 1" in str(err)


def test_num_classes_error_says_why():
    assert "needs at least 1" in str(_error(HEAD + "task: {num_classes: 0}\n"))


def test_task_fields_parse():
    task = _load(
        HEAD + "task: {type: policy_gradient, algorithm: ppo, action_space: continuous}\n"
    ).task
    assert (task.type, task.algorithm, task.action_space) == (
        "policy_gradient",
        "ppo",
        "continuous",
    )
    assert _error(HEAD + "task: {action_space: both}\n").field == "task.action_space"


def test_parameter_budget_min_must_not_exceed_max():
    err = _error(HEAD + "constraints:\n  parameter_budget: {max: 5M, min: 8M}\n")
    assert err.field == "constraints.parameter_budget.min"
    assert "min (8M) is larger than max (5M)" in str(err)
    ok = _load(HEAD + "constraints:\n  parameter_budget: {max: 5M, min: 1M}\n")
    assert ok.constraints.parameter_budget.min == 1_000_000


def test_parameter_budget_needs_max():
    err = _error(HEAD + "constraints:\n  parameter_budget: {min: 1M}\n")
    assert err.field == "constraints.parameter_budget.max"
    assert "required key 'max' is missing" in str(err)
    assert err.line == 6


def test_constraints_parse_units():
    c = _load(
        HEAD + 'constraints: {latency: "20ms", memory_budget: 512MiB, context_window: 1M}\n'
    ).constraints
    assert (c.latency.ms, c.latency.label, c.memory_budget, c.context_window) == (
        20.0,
        None,
        536_870_912,
        1_048_576,
    )


def test_dump_loads_again_unchanged():
    spec = _load(
        HEAD + "constraints: {latency: 1.5s, memory_budget: 12GB, parameter_budget: {max: 1.5T}}\n"
    )
    dumped = spec.model_dump(mode="json")
    assert dumped["constraints"]["latency"] == "1.5s"
    assert Spec.model_validate(dumped) == spec


@pytest.mark.parametrize(
    ("image", "field", "text"),
    [
        ("{preset: sd, image_size: 224}", "modality.image.image_size", "contradicts preset 'sd'"),
        ("{image_size: 224, patch_size: 15}", "modality.image.patch_size", "does not divide"),
        ("{preset: clip, patch_size: 15}", "modality.image.patch_size", "image size 224"),
        ("{image_size: 4}", "modality.image.image_size", "at least 8"),
        ("{image_size: 8192}", "modality.image.image_size", "at most 4096"),
        ("{channels: 0}", "modality.image.channels", "at least 1"),
        ("{preset: huge}", "modality.image.preset", "imagenet, clip, sd, sd_xl"),
    ],
)
def test_image_parameter_errors(image, field, text):
    err = _error(f"name: x\nmodality: {{inputs: [image], outputs: [label], image: {image}}}\n")
    assert err.field == field
    assert text in str(err)


@pytest.mark.parametrize(
    ("image", "size"),
    [
        ("{preset: imagenet}", 224),
        ("{preset: clip}", 224),
        ("{preset: sd}", 512),
        ("{preset: sd_xl, image_size: 1024, patch_size: 16}", 1024),
        ("{image_size: 384, patch_size: 16}", 384),
        ("{channels: 1}", None),
    ],
)
def test_effective_image_size(image, size):
    spec = _load(f"name: x\nmodality: {{inputs: [image], outputs: [label], image: {image}}}\n")
    assert spec.modality.image_size == size
    assert spec.modality.params("image").effective_image_size == size
    assert spec.modality.params("text") is None


def test_image_size_is_none_without_image_params():
    assert _load(HEAD).modality.image_size is None


def test_text_parameters():
    spec = _load("name: x\nmodality: {inputs: [text], outputs: [text], text: {vocab_size: 512}}\n")
    assert (spec.modality.text.tokenizer, spec.modality.text.vocab_size) == ("byte", 512)
    assert _error(HEAD.replace("[text]\n", "[text]\n  text: {tokenizer: bpe}\n", 1)).field == (
        "modality.text.tokenizer"
    )


@pytest.mark.parametrize(
    ("modality", "field", "text"),
    [
        ("{inputs: [], outputs: [text]}", "modality.inputs", "the list is empty"),
        ("{inputs: [text], outputs: []}", "modality.outputs", "the list is empty"),
        ("{inputs: text, outputs: [text]}", "modality.inputs", "expected a list"),
        ("{inputs: [text, text], outputs: [text]}", "modality.inputs", "listed twice"),
        ("{inputs: [1], outputs: [text]}", "modality.inputs[0]", "must be text"),
        ("{outputs: [text]}", "modality.inputs", "required key 'inputs' is missing"),
    ],
)
def test_modality_list_errors(modality, field, text):
    err = _error(f"name: x\nmodality: {modality}\n")
    assert err.field == field
    assert text in str(err)


def test_training_hyper_parameters():
    t = _load(
        HEAD + "training: {objective: [masked, contrastive], steps: 100, learning_rate: 3e-4,"
        " weight_decay: 0, warmup_steps: 0, batch_size: 8, precision: bf16}\n"
    ).training
    assert t.objective == ["masked", "contrastive"]
    assert (t.steps, t.learning_rate, t.weight_decay, t.precision) == (100, 3e-4, 0.0, "bf16")


@pytest.mark.parametrize(
    ("setting", "field"),
    [
        ("steps: 0", "training.steps"),
        ("batch_size: -1", "training.batch_size"),
        ("learning_rate: 0", "training.learning_rate"),
        ("learning_rate: .nan", "training.learning_rate"),
        ("learning_rate: fast", "training.learning_rate"),
        ("weight_decay: -0.1", "training.weight_decay"),
        ("warmup_steps: -1", "training.warmup_steps"),
        ("precision: fp8", "training.precision"),
        ("objective: diffusion", "training.objective"),
        ("steps: 1.5", "training.steps"),
    ],
)
def test_training_errors(setting, field):
    assert _error(HEAD + f"training: {{{setting}}}\n").field == field


def test_empty_sections_mean_defaults():
    spec = _load(HEAD + "task:\ntraining:\nconstraints:\narchitecture:\n")
    assert spec.task.type == "generation" and spec.training.objective == []


def test_wrong_section_type_lists_keys():
    err = _error(HEAD + "constraints: [5M]\n")
    assert err.field == "constraints" and "Accepted keys: parameter_budget" in str(err)


def test_several_errors_lead_with_the_first_and_count_the_rest():
    text = (
        "name: x\nmodality: {inputs: [smell], outputs: [text]}\n"
        "task: {type: dancing}\narchitecture: {family: quantum}\n"
    )
    err = _error(text)
    assert (err.line, err.field) == (2, "modality.inputs[0]")
    message = str(err)
    assert message.startswith("spec.yaml:2:")
    assert "Also 2 more errors: task.type (line 3)" in message
    assert "architecture.family (line 4)" in message
    assert [d.field for d in err.details] == [
        "modality.inputs[0]",
        "task.type",
        "architecture.family",
    ]


def test_json_schema_carries_descriptions_and_vocabularies():
    schema = Spec.model_json_schema()
    assert schema["required"] == ["name", "modality"]
    assert "description" in schema["properties"]["name"]
    task = schema["$defs"]["Task"]["properties"]["type"]
    assert task["enum"] == list(TASK_TYPES)
    assert "1024" in schema["$defs"]["Constraints"]["properties"]["context_window"]["description"]
