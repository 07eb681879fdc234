"""The code image_to_code's model writes for a few held-out pictures, beside the code each was
rendered from, with the picture's kind (library only, for the plots and the report)."""

from __future__ import annotations

from metagen.predictions.captions import collect_written

# Few pictures and a cap on the bytes written: this runs after every smoke training, which
# is already near its time limit, and an untrained model writes to the cap.
PICTURES = 4
MAX_WRITTEN_BYTES = 256


def collect_code(model, batches, device, info) -> dict:
    """{"kind": "generated_text", samples of (written code, reference code), the pictures}."""
    return collect_written(
        model, batches, device, pictures=PICTURES, max_tokens=MAX_WRITTEN_BYTES,
        kinds=lambda batch: [reference["kind"] for reference in batch["reference"]],
    )  # fmt: skip
