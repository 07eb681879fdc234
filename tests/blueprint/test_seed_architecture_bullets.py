"""The seven seed specs of the external design document's modality guide (verbatim copies in
examples/specs/, see tests/paths.py): each plan has the parts that the document's "Generated
Architecture" bullets for it name."""

from __future__ import annotations

import re

import pytest
from tests.paths import seed_spec

from metagen.planning import make_blueprint, plan_dict
from metagen.spec import parse_spec_text

# Each spec's "Generated Architecture" bullets, as patterns the plan's component roles match.
ARCHITECTURE_BULLETS = {
    "text_llm": [r"token embeddings", r"attention", r"causal", r"projection to the vocabulary"],
    "image_vit": [r"patch embedding", r"transformer layers", r"attention"],
    "image_diffusion": [r"U-Net|Down path", r"timestep", r"cross-attention"],
    "audio_musicgen": [r"spectrogram encoder", r"temporal attention", r"Decoder: autoregressive"],
    "video_gen": [r"Spatial", r"Temporal", r"temporal attention across frames"],
    "multimodal_clip": [r"Image encoder", r"Text encoder", r"Fusion", r"shared space"],
    "vlm": [r"Image encoder", r"Connector", r"Fusion|early fusion", r"Decoder"],
}


@pytest.mark.parametrize("name", ARCHITECTURE_BULLETS)
def test_plan_shows_the_generated_architecture_bullets(name):
    path = seed_spec(name)
    plan = plan_dict(make_blueprint(parse_spec_text(path.read_text(encoding="utf-8"), str(path))))
    roles = " | ".join(part["role"] for part in plan["architecture"])
    for bullet in ARCHITECTURE_BULLETS[name]:
        assert re.search(bullet, roles, re.IGNORECASE), f"{name}: no {bullet!r} in {roles}"
