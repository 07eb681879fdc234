"""blueprint.counts_source reads the models' source as text: its config fields, constants and
helpers must be the ones the imported models have."""

import dataclasses
import importlib

import pytest

from metagen.archs.build import model_classes
from metagen.archs.registry import arch, archs
from metagen.blueprint.counts_source import (
    config_fields,
    model_constant,
    model_function,
    required_dims,
)


@pytest.mark.parametrize("name", sorted(archs()))
def test_config_fields_are_the_dataclass_fields_in_order(name):
    config_cls, _ = model_classes(name)
    fields = dataclasses.fields(config_cls)
    assert list(config_fields(name)) == [f.name for f in fields]
    counted = [f.name for f in fields if f.type not in ("float", float)]
    assert list(required_dims(name)) == counted


def test_inherited_fields_come_first():
    assert list(config_fields("dlinear"))[:3] == ["lookback", "horizon", "channels"]
    assert "vocab_size" in required_dims("text_encoder")  # from nn/bert.py's BertEncoderConfig
    assert "norm_eps" not in required_dims("decoder_lm")


@pytest.mark.parametrize(
    ("name", "constant"),
    [
        ("yolo", "YOLO_STRIDES"),
        ("video_cnn", "VIDEO_CNN_STEMS"),
        ("video_diffusion", "VIDEO_TIMESTEP_FEATURES"),
        ("condinst", "CONDINST_MASK_CHANNELS"),
        ("segformer", "MIT_PATCH_EMBEDDINGS"),
    ],
)
def test_model_constants_equal_the_imported_ones(name, constant):
    module = importlib.import_module(arch(name).model_module)
    assert model_constant(name, constant) == getattr(module, constant)


@pytest.mark.parametrize("channels", [[16, 32, 64, 128, 256], [8, 16, 512, 64, 64]])
@pytest.mark.parametrize("num_classes", [1, 80, 400])
def test_model_functions_equal_the_imported_ones(channels, num_classes):
    module = importlib.import_module(arch("yolo").model_module)
    compiled = model_function("yolo", "yolo_head_widths")
    assert compiled is not module.yolo_head_widths
    assert compiled(channels, num_classes, 16) == module.yolo_head_widths(channels, num_classes, 16)


def test_unknown_names_are_lookup_errors():
    with pytest.raises(LookupError, match="defines no top-level NO_SUCH"):
        model_constant("yolo", "NO_SUCH")
    with pytest.raises(LookupError, match="is not a function"):
        model_function("yolo", "YOLO_STRIDES")
