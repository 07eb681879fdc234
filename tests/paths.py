"""Where the test inputs live: the repo's examples and the shared seed specs."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "specs"
SEED_SPECS = REPO.parent / "shared" / "specs" / "seed"

EXAMPLE_SPECS = sorted(EXAMPLES.rglob("*.yaml"))
SEED_SPEC_FILES = sorted(SEED_SPECS.glob("*.yaml")) if SEED_SPECS.is_dir() else []

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
}


def spec_id(path: Path) -> str:
    return str(path.relative_to(path.parents[1])) if path.is_relative_to(EXAMPLES) else path.stem
