"""Text a model wrote for held-out inputs beside the text those inputs came with: the shared
form of what language models, masked language models and picture-to-text models predict
(kind "generated_text", drawn by report/plots/generated_text.py)."""

from __future__ import annotations

from typing import Any

from metagen.data.tokenizer import ByteTokenizer

MAX_SAMPLES = 8


def info_tokenizer(info: dict):
    """The tokenizer the run read its text with: the data's tokenizer.json where it has one,
    else bytes (the masked byte tokenizer decodes as this one does: ids past 255 are skipped)."""
    return info.get("text_tokenizer") or ByteTokenizer()


def text_sample(prompt: str, generated: str, reference: str, note: str = "", **counts) -> dict:
    """One sample: what the model read (empty where it read a picture alone), what it wrote,
    the held-out reference, and a short note of what was measured on it (`counts`)."""
    return {"prompt": prompt, "generated": generated, "reference": reference, "note": note,
            **counts}  # fmt: skip


def generated_text(samples: list[dict], decoding: str, images=None, **about: Any) -> dict:
    """The collector's dict: up to MAX_SAMPLES samples, how the text was decoded, and the
    pictures the model read (n, C, H, W) in [0, 1], where it read pictures."""
    collected: dict[str, Any] = {
        "kind": "generated_text",
        "samples": samples[:MAX_SAMPLES],
        "decoding": decoding,
        **about,
    }
    if images is not None:
        collected["images"] = images[:MAX_SAMPLES]
    return collected
