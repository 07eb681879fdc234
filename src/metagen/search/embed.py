"""L2-normalised embeddings of pictures and texts by a trained run's encoders (a CLIP-style
model's `encode_image` and `encode_text`), read as its training read them: pictures resized
and normalised as its data, texts as its byte tokens. Imports torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from metagen.data.image_captions import caption_token_ids
from metagen.data.image_folder import load_image
from metagen.data.pixels import normalize_pixels
from metagen.data.tokenizer import ByteTokenizer
from metagen.report.predictions import load_trained

BATCH = 64


class Encoders:
    """A trained run's encoders, with the settings its data was read with."""

    def __init__(self, run_dir: Path, scale: str):
        model, metrics, data_cfg = load_trained(run_dir, scale)
        missing = [n for n in ("encode_image", "encode_text") if not hasattr(model, n)]
        if missing:
            raise ValueError(
                f"the {metrics['task']} model of {run_dir} has no {' or '.join(missing)}: only "
                "contrastive (CLIP-style) runs embed pictures and texts into one space."
            )
        self.model, self.data_cfg = model, data_cfg
        self.image_size, self.channels = int(data_cfg["image_size"]), int(data_cfg["channels"])

    @torch.no_grad()
    def images(self, paths: list[Path]) -> np.ndarray:
        """(N, D) float32, unit rows."""
        chunks = []
        for start in range(0, len(paths), BATCH):
            pixels = [
                load_image(p, self.image_size, self.channels) for p in paths[start : start + BATCH]
            ]
            batch = torch.from_numpy(np.stack(pixels)).permute(0, 3, 1, 2).float() / 255.0
            chunks.append(self.model.encode_image(normalize_pixels(batch)))
        return _unit(torch.cat(chunks))

    @torch.no_grad()
    def texts(self, texts: list[str]) -> np.ndarray:
        """(N, D) float32, unit rows."""
        tokenizer, seq_len = ByteTokenizer(), int(self.data_cfg["seq_len"])
        chunks = []
        for start in range(0, len(texts), BATCH):
            ids = [caption_token_ids(t, seq_len, tokenizer) for t in texts[start : start + BATCH]]
            chunks.append(self.model.encode_text(torch.tensor(ids)))
        return _unit(torch.cat(chunks))


def _unit(vectors: torch.Tensor) -> np.ndarray:
    vectors = torch.nn.functional.normalize(vectors.float(), dim=-1)
    return np.ascontiguousarray(vectors.numpy(), dtype=np.float32)
