"""Pooling a sequence of vectors into one."""

import torch


def masked_token_mean(x: torch.Tensor, attention_mask: torch.Tensor | None) -> torch.Tensor:
    """Mean of x (B, T, C) over the positions where attention_mask (B, T) is 1."""
    if attention_mask is None:
        return x.mean(dim=1)
    weights = attention_mask.to(x.dtype)[:, :, None]  # (B, T, 1)
    return (x * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


def chunk_mean(
    vector_of, input_ids: torch.Tensor, attention_mask: torch.Tensor | None, chunks: int | None
) -> torch.Tensor:
    """Each text's vector from vector_of (input_ids, attention_mask) -> (..., C). A text read
    in chunks (`chunks` above 1), input_ids (..., S, T): the mean of its chunks' vectors over
    the chunks that hold a token. A short text leaves its last chunks empty (all padding):
    each is read as if its first token were text, so that attention always has a key, and is
    left out of the mean. Through a linear head, the mean of the chunks' outputs."""
    if (chunks or 1) == 1:
        return vector_of(input_ids, attention_mask)
    if attention_mask is None:
        return vector_of(input_ids, None).mean(dim=-2)
    held = attention_mask.amax(dim=-1, keepdim=True)  # (..., S, 1): 1 where the chunk has text
    readable = torch.cat([torch.ones_like(attention_mask[..., :1]), attention_mask[..., 1:]], -1)
    vectors = vector_of(input_ids, readable)  # (..., S, C)
    weights = held.to(vectors.dtype)
    return (vectors * weights).sum(dim=-2) / weights.sum(dim=-2).clamp(min=1.0)


def chunked_text_example(
    vocab_size: int, seq_len: int, chunks: int, batch_size: int, generator: torch.Generator
) -> dict[str, torch.Tensor]:
    """Example token ids and attention_mask, each (B, T), or (B, chunks, T) for a text read in
    chunks: texts of random lengths padded on the right, a text's tokens filling its chunks
    in order (the last chunks of a short text are empty)."""
    span = seq_len * chunks
    input_ids = torch.randint(0, vocab_size, (batch_size, span), generator=generator)
    lengths = torch.randint(1, span + 1, (batch_size, 1), generator=generator)
    attention_mask = (torch.arange(span)[None, :] < lengths).long()
    if chunks == 1:
        return {"input_ids": input_ids, "attention_mask": attention_mask}
    shape = (batch_size, chunks, seq_len)
    return {"input_ids": input_ids.reshape(shape), "attention_mask": attention_mask.reshape(shape)}
