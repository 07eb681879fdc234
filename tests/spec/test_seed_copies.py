"""The repository's seed specs are verbatim copies of `../shared/specs/seed/`, so they cannot
drift silently; the comparison runs only where that folder sits beside the checkout."""

from __future__ import annotations

import pytest
from tests.paths import (
    EXAMPLE_SPECS,
    NOT_BUILT_SPECS,
    SEED_SPEC_FILES,
    SEEDS_BUILT,
    SEEDS_NOT_BUILT,
    SHARED_SEED_SPECS,
    seed_spec,
)

SHARED = sorted(SHARED_SEED_SPECS.glob("*.yaml")) if SHARED_SEED_SPECS.is_dir() else []
needs_shared = pytest.mark.skipif(not SHARED, reason=f"no seed specs in {SHARED_SEED_SPECS}")


def test_every_seed_has_one_copy_in_the_repository():
    for path in SEED_SPEC_FILES:
        assert path.is_file(), path
    # Every seed may be built; the "not built yet" tests then run on tests/fixtures/unbuilt_specs.
    assert NOT_BUILT_SPECS, "no unbuilt specs: the 'not built yet' tests would run on none"
    # An unbuilt seed is never an example: every example must train.
    unbuilt = {p.stem for p in SEEDS_NOT_BUILT}
    assert not unbuilt & SEEDS_BUILT
    assert not unbuilt & {p.stem for p in EXAMPLE_SPECS}


@needs_shared
def test_the_repository_holds_every_shared_seed():
    assert sorted(p.stem for p in SEED_SPEC_FILES) == [p.stem for p in SHARED]


@needs_shared
@pytest.mark.parametrize("shared", SHARED, ids=lambda p: p.stem)
def test_seed_copy_is_byte_identical(shared):
    assert seed_spec(shared.stem).read_bytes() == shared.read_bytes()
