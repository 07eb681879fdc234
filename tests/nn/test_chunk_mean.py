"""A text read in chunks: the classifier's output is the mean of what it says of each chunk
that holds text, as if each chunk were a text of its own; empty chunks change nothing."""

import pytest
import torch
from tests.archs.small_dims import SMALL_DIMS

from metagen.archs.build import build_from_dims

torch.set_num_threads(1)


def _chunked_text(vocab: int) -> tuple[torch.Tensor, torch.Tensor]:
    """One text of 2 chunks of 6 tokens (the second 4 tokens long), then an empty chunk."""
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(1, vocab, (1, 3, 6), generator=generator)
    mask = torch.ones_like(ids)
    mask[0, 1, 4:] = 0
    mask[0, 2] = 0
    ids[mask == 0] = 0
    return ids, mask


@pytest.mark.parametrize("arch", ["fasttext", "text_encoder"])
@torch.no_grad()
def test_a_chunked_text_scores_the_mean_of_its_chunks_scored_alone(arch):
    dims = SMALL_DIMS[arch]["chunks"]
    torch.manual_seed(0)
    chunked = build_from_dims(arch, dims).eval()
    whole = build_from_dims(arch, {k: v for k, v in dims.items() if k != "chunks"}).eval()
    whole.load_state_dict(chunked.state_dict())
    ids, mask = _chunked_text(dims["vocab_size"])
    # the reference: each chunk that holds text as a text of its own, its logits averaged
    alone = [whole(ids[:, c], mask[:, c]) for c in (0, 1)]
    expected = torch.stack(alone).mean(dim=0)
    got = chunked(ids, mask)
    torch.testing.assert_close(got, expected)
    # an empty chunk is left out, not averaged in as padding
    two_chunks = build_from_dims(arch, {**dims, "chunks": 2}).eval()
    two_chunks.load_state_dict(chunked.state_dict())
    torch.testing.assert_close(two_chunks(ids[:, :2], mask[:, :2]), got)
    assert torch.isfinite(got).all()
