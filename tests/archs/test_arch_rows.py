"""Every field of every arch row resolves: one folder per arch, its model and config classes
in model.py under the arch's own stem, counts and smoke dims that run on the arch's small
dims, variants of its own (the grids run in the solver's tests over every example), and a config whose fields the source reader reads as the class has them."""

from __future__ import annotations

import dataclasses
import inspect
from importlib import resources

import pytest
from tests.archs.small_dims import SMALL_DIMS

from metagen.archs.build import model_classes
from metagen.archs.registry import PARAMETER_FREE_FIELDS, archs
from metagen.codegen.bundle import reachable

ROWS = sorted(archs().values(), key=lambda row: row.name)
PLANNING_MODULES = ("counts", "shapes", "variants")


def test_every_arch_folder_has_a_row():
    folders = {
        entry.name
        for entry in resources.files("metagen.archs").iterdir()
        if entry.is_dir() and not entry.name.startswith("__")
    }
    assert folders == set(archs())


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_model_and_config_carry_the_arch_stem(row):
    assert row.model.lower() == row.name.replace("_", "")
    assert row.config.lower() == row.model.lower() + "config"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_model_and_config_resolve_from_source_and_by_import(row):
    kept = reachable([(row.model_module, row.model), (row.model_module, row.config)])
    assert row.model_module in kept
    config_cls, model_cls = model_classes(row.name)
    assert (model_cls.__name__, config_cls.__name__) == (row.model, row.config)
    assert row.config_fields() == tuple(f.name for f in dataclasses.fields(config_cls))
    floats = {f.name for f in dataclasses.fields(config_cls) if f.type in (float, "float")}
    parameter_free = floats | set(PARAMETER_FREE_FIELDS)
    options = {f.name for f in dataclasses.fields(config_cls) if str(f.type).endswith("| None")}
    assert all(getattr(config_cls(), name) is None for name in options)  # off unless set
    assert set(row.structural_fields()) == set(row.config_fields()) - parameter_free - options


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_counts_and_smoke_dims_run_on_small_dims(row):
    assert row.default_budget > 0
    for dims in SMALL_DIMS[row.name].values():
        layers = row.layers(dims)
        assert layers and all(isinstance(n, int) and n >= 0 for n in layers.values())
        assert row.flops(dims) > 0
        smoke = row.smoke_dims(dims)
        assert set(smoke) >= set(row.structural_fields())


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_planning_modules_never_import_torch(row):
    for name in PLANNING_MODULES:
        path = resources.files(row.package).joinpath(f"{name}.py")
        if path.is_file():
            source = path.read_text(encoding="utf-8")
            assert "import torch" not in source, f"{row.name}/{name}.py imports torch"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_variants_belong_to_their_arch(row):
    variants = row.variants()
    assert bool(variants) == row.has_variants
    for variant in variants:
        assert variant.arch == row.name and variant.published_params > 0
        assert inspect.isclass(type(variant))
