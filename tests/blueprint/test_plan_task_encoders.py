"""Planning the record tasks: classification of rows, texts and series, regression, embedding
and ranking each build their own model by input and family; image, audio and video
classifiers keep their modality handlers; what is not built says so."""

from __future__ import annotations

import pytest
import torch

from metagen.archs.build import build_from_dims
from metagen.blueprint.catalog import get_variant
from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.codegen.package import infer_template
from metagen.codegen.templates import template_names
from metagen.handlers.tasks import get_task_handler
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import parse_spec_text


def plan(inputs: str, task: str, extra: str = "", outputs: str = "label"):
    text = (
        f"name: probe\nmodality:\n  inputs: [{inputs}]\n  outputs: [{outputs}]\n"
        f"task:\n  type: {task}\n{extra}"
    )
    return make_blueprint(parse_spec_text(text, source="spec.yaml"))


CASES = [
    ("tabular", "classification", "tabular_mlp", "mlp", "tabular"),
    ("text", "classification", "fasttext", "mlp", "text"),
    ("time_series", "classification", "series_cnn", "cnn", "series"),
    ("tabular", "regression", "tabular_mlp", "mlp", "tabular"),
    ("text", "regression", "text_encoder", "transformer", "text"),
    ("time_series", "regression", "series_cnn", "cnn", "series"),
    ("tabular", "embedding", "tabular_mlp", "mlp", "tabular"),
    ("text", "embedding", "text_encoder", "transformer", "text"),
    ("time_series", "embedding", "series_cnn", "cnn", "series"),
    ("tabular", "ranking", "tabular_mlp", "mlp", "tabular"),
    ("text", "ranking", "text_encoder", "transformer", "text"),
]


@pytest.mark.parametrize(
    ("inputs", "task", "arch", "family", "kind"), CASES, ids=[f"{c[1]}-{c[0]}" for c in CASES]
)
def test_each_input_gets_its_default_family_and_a_runnable_plan(inputs, task, arch, family, kind):
    bp = plan(inputs, task)
    assert (bp.arch, bp.task, bp.family, bp.data["kind"]) == (arch, task, family, kind)
    spec = parse_spec_text(
        f"name: p\nmodality: {{inputs: [{inputs}], outputs: [label]}}\ntask: {{type: {task}}}\n"
    )
    assert get_task_handler(spec).owns_architecture(spec)  # no modality handler involved
    assert bp.loss == task and bp.metrics and bp.metrics[0] == "loss"
    assert [name for name, _ in bp.components][-1] == "head"
    assert infer_template(bp) in template_names()
    plan_dict(bp)  # counts, FLOPs and memory for the plan
    with torch.device("meta"):
        model = build_from_dims(arch, bp.scales["smoke"].model)
    assert sum(p.numel() for p in model.parameters()) == sum(
        count_params(arch, bp.scales["smoke"].model).values()
    )


def test_the_head_outputs_follow_the_task():
    assert plan("tabular", "classification", "  num_classes: 7\n").dims["num_outputs"] == 7
    assert plan("tabular", "regression").dims["num_outputs"] == 1
    assert plan("text", "embedding").dims["num_outputs"] == 128
    assert plan("tabular", "ranking").dims["num_outputs"] == 1


def test_smoke_data_follows_the_smoke_model():
    text = plan("text", "classification", "architecture:\n  family: transformer\n")
    assert text.scales["smoke"].data["seq_len"] == 64
    assert text.scales["full"].data["seq_len"] == 128
    series = plan("time_series", "classification", "  lookback: 256\n")
    assert series.dims["series_length"] == 256
    smoke = series.scales["smoke"]
    assert smoke.data["series_length"] == smoke.model["series_length"] == 64


def test_tabular_parameters_reach_the_model_and_the_data():
    assert plan("tabular", "regression").dims["num_features"] == 16  # the synthetic rows'
    text = (
        "name: p\nmodality:\n  inputs: [tabular]\n  outputs: [regression]\n"
        "  tabular: {num_features: 13, target: price}\ntask: {type: regression}\n"
    )
    bp = make_blueprint(parse_spec_text(text))
    assert bp.dims["num_features"] == 13 and bp.data["target"] == "price"


def test_bert_base_under_a_classifier_keeps_its_published_count():
    bp = plan("text", "classification", "  num_classes: 2\narchitecture:\n  variant: bert_base\n")
    variant = get_variant("bert_base")
    assert bp.arch == "text_encoder" and bp.dims["pooler"] and bp.dims["pool"] == "cls"
    per_component = count_params("text_encoder", bp.dims)
    assert variant.published_part(per_component) == variant.published_params == 109_482_240
    with torch.device("meta"):
        model = build_from_dims("text_encoder", bp.dims)
    built = {
        name: sum(p.numel() for p in getattr(model, name).parameters())
        for name in variant.published_components
    }
    assert sum(built.values()) == 109_482_240
    assert per_component["head"] == 768 * 2 + 2


@pytest.mark.parametrize(
    ("inputs", "task", "family", "words"),
    [
        ("tabular", "classification", "transformer", "family mlp"),
        ("text", "regression", "cnn", "family transformer"),
        ("time_series", "embedding", "mlp", "family cnn"),
        ("tabular", "ranking", "cnn", "family mlp"),
    ],
)
def test_a_family_that_is_not_built_for_the_input_names_the_one_that_is(
    inputs, task, family, words
):
    with pytest.raises(PlanError, match=words):
        plan(inputs, task, f"architecture:\n  family: {family}\n")


def test_a_planned_family_says_it_is_not_built_yet():
    with pytest.raises(PlanError, match="recurrent backbones .* not built yet"):
        plan("tabular", "regression", "architecture:\n  family: rnn\n")


@pytest.mark.parametrize(
    ("inputs", "task", "words"),
    [
        ("text, image", "classification", "several inputs"),
        ("tabular, text", "regression", "does not take|several inputs"),
        ("time_series", "ranking", "does not take time_series input"),
        ("image", "regression", "does not take image input"),
    ],
)
def test_inputs_that_are_not_built_are_plan_errors(inputs, task, words):
    with pytest.raises(PlanError, match=words):
        plan(inputs, task)


def test_image_audio_and_video_classifiers_keep_their_modality_handlers():
    image = plan("image", "classification", "  num_classes: 10\n")
    assert image.arch == "vit" and image.dims["num_classes"] == 10
    audio = plan("audio", "classification", "  num_classes: 4\n")
    assert audio.arch == "audio_transformer"
    assert "majority_class_accuracy" in image.metrics


def test_tabular_generation_asks_for_a_task_type():
    with pytest.raises(PlanError, match="does not take tabular input yet.*or task.type"):
        make_blueprint(
            parse_spec_text("name: p\nmodality: {inputs: [tabular], outputs: [label]}\n")
        )


def test_synthetic_class_capacities_match_the_data():
    from metagen.data.series_task_synthetic import SERIES_CLASS_NAMES
    from metagen.data.text_task_synthetic import TEXT_LEXICONS
    from metagen.tasks.classification.handler import SYNTHETIC_RECORD_CLASSES

    assert SYNTHETIC_RECORD_CLASSES["text"] == len(TEXT_LEXICONS)
    assert SYNTHETIC_RECORD_CLASSES["series"] == len(SERIES_CLASS_NAMES)
    bp = plan("text", "classification", "  num_classes: 20\n")
    assert bp.dims["num_outputs"] == 20 and bp.data["num_classes"] == len(TEXT_LEXICONS)
