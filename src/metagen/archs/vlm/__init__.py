"""The vlm architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="vlm",
    model="VLM",
    config="VLMConfig",
    default_budget=1_000_000_000,  # the 1B class of small VLMs (InternVL2-1B, SmolVLM)
    has_variants=False,
    # training.stages may freeze the language model while the vision side learns
    stage_parts=("vision_encoder", "connector", "cross_attention", "language_model", "late_fusion"),
    # a first stage may teach the language model the text alone (images=None)
    stage_optional_inputs=(("image", "images"),),
)
