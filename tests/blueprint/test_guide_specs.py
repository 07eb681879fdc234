"""The Multi-Modal Guide's seven specs: kept verbatim in examples/specs/, and planned with the
parts that the guide's "Generated Architecture" bullets name."""

from __future__ import annotations

import re

import pytest
from tests.paths import EXAMPLES, SEED_SPECS

from metagen.planning import make_blueprint, plan_dict
from metagen.spec import parse_spec_text

# Each guide section's bullets, as patterns that the plan's component roles must match.
GUIDE_BULLETS = {
    "text_llm": [r"token embeddings", r"attention", r"causal", r"projection to the vocabulary"],
    "image_vit": [r"patch embedding", r"transformer layers", r"attention"],
    "image_diffusion": [r"U-Net|Down path", r"timestep", r"cross-attention"],
    "audio_musicgen": [r"spectrogram encoder", r"temporal attention", r"Decoder: autoregressive"],
    "video_gen": [r"Spatial", r"Temporal", r"temporal attention across frames"],
    "multimodal_clip": [r"Image encoder", r"Text encoder", r"Fusion", r"shared space"],
    "vlm": [r"Image encoder", r"Connector", r"Fusion|early fusion", r"Decoder"],
}


def _example(name: str):
    [path] = EXAMPLES.rglob(f"{name}.yaml")
    return path


@pytest.mark.parametrize("name", GUIDE_BULLETS)
def test_guide_spec_is_kept_verbatim(name):
    seed = SEED_SPECS / f"{name}.yaml"
    if not seed.is_file():
        pytest.skip(f"{seed} is not in this checkout")
    assert _example(name).read_bytes() == seed.read_bytes()


@pytest.mark.parametrize("name", GUIDE_BULLETS)
def test_plan_shows_the_guide_generated_architecture(name):
    path = _example(name)
    plan = plan_dict(make_blueprint(parse_spec_text(path.read_text(encoding="utf-8"), str(path))))
    roles = " | ".join(part["role"] for part in plan["architecture"])
    for bullet in GUIDE_BULLETS[name]:
        assert re.search(bullet, roles, re.IGNORECASE), f"{name}: no {bullet!r} in {roles}"
