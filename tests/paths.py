"""Where the test inputs live: all inside this repository, so a lone clone runs the tests.

The seed specs came from the project's shared folder (`../shared/specs/seed/`). The built ones
are kept verbatim among the examples; one whose capability is not built yet would be kept
verbatim in `tests/fixtures/seed_specs/` (it must not train, so it is no example). Every seed
is built today; `tests/fixtures/unbuilt_specs/` holds specs of capabilities still not built.
`tests/spec/test_seed_copies.py` checks both against the shared folder where it exists.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "specs"
SEEDS_NOT_BUILT_DIR = REPO / "tests" / "fixtures" / "seed_specs"
# The origin of the seed copies; absent beside a lone clone.
SHARED_SEED_SPECS = REPO.parent / "shared" / "specs" / "seed"

EXAMPLE_SPECS = sorted(EXAMPLES.rglob("*.yaml"))

# Seed specs whose handlers exist today; the rest must stop with "not built yet".
SEEDS_BUILT = {
    "text_llm",
    "image_vit",
    "imagenet_classifier",
    "image_diffusion",
    "multimodal_clip",
    "vlm",
    "audio_musicgen",
    "video_gen",
    "stock_forecaster",
    "yolo_detector",
    "molecule_classifier",
    "atari_agent",
}


def seed_spec(name: str) -> Path:
    """The repository's copy of the seed spec `name`: an example if built, else a fixture."""
    if name not in SEEDS_BUILT:
        return SEEDS_NOT_BUILT_DIR / f"{name}.yaml"
    [path] = EXAMPLES.rglob(f"{name}.yaml")
    return path


SEEDS_NOT_BUILT = sorted(SEEDS_NOT_BUILT_DIR.glob("*.yaml"))
# Specs (not seeds) of capabilities still not built: every seed may be built, and the "not
# built yet" contract still needs specs to run on.
NOT_BUILT_SPECS = SEEDS_NOT_BUILT + sorted(
    (REPO / "tests" / "fixtures" / "unbuilt_specs").glob("*.yaml")
)
SEED_SPEC_FILES = sorted(
    [seed_spec(name) for name in SEEDS_BUILT] + SEEDS_NOT_BUILT, key=lambda p: p.stem
)


def spec_id(path: Path) -> str:
    return str(path.relative_to(path.parents[1])) if path.is_relative_to(EXAMPLES) else path.stem
