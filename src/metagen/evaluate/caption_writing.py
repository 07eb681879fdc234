"""What a picture-to-text model (a VLM, image to code) writes for pictures: greedy from bos,
KV-cached, cut at eos, bytes only."""

import torch

from metagen.data.tokenizer import ByteTokenizer


def write_captions(model, images: torch.Tensor, tokenizer: ByteTokenizer, max_tokens: int) -> list:
    """The text the model writes for each image (B, C, H, W): greedy, up to eos."""
    prompt = torch.full((images.size(0), 1), tokenizer.bos_id, device=images.device)
    ids = model.generate(images, prompt, max_tokens, temperature=0.0, eos_id=tokenizer.eos_id)
    texts = []
    for row in ids[:, 1:].tolist():
        if tokenizer.eos_id in row:
            row = row[: row.index(tokenizer.eos_id)]
        texts.append(tokenizer.decode([t for t in row if t < 256]))  # bytes only
    return texts
