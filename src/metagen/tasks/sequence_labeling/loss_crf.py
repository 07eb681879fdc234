"""Linear-chain CRF: the log-likelihood of a tag sequence (forward algorithm) and the best
sequence (Viterbi), over right-padded batches. mask (B, T) is True on words; every sentence
has at least one word."""

import torch


def crf_sequence_score(emissions, tags, mask, start, transitions, end) -> torch.Tensor:
    """The unnormalized score of `tags` (B, T): start + emissions + transitions + end."""
    B, T, _ = emissions.shape
    mask = mask.to(emissions.dtype)
    rows = torch.arange(B, device=emissions.device)
    score = start[tags[:, 0]] + emissions[rows, 0, tags[:, 0]]
    for t in range(1, T):
        step = transitions[tags[:, t - 1], tags[:, t]] + emissions[rows, t, tags[:, t]]
        score = score + step * mask[:, t]
    last = tags[rows, mask.sum(dim=1).long() - 1]
    return score + end[last]  # (B,)


def crf_log_partition(emissions, mask, start, transitions, end) -> torch.Tensor:
    """log of the sum over every tag sequence of exp(score), by the forward algorithm."""
    alpha = start + emissions[:, 0]  # (B, K)
    for t in range(1, emissions.size(1)):
        # alpha_j' = logsumexp_i(alpha_i + transitions_ij) + emission_j
        step = torch.logsumexp(alpha.unsqueeze(2) + transitions, dim=1) + emissions[:, t]
        alpha = torch.where(mask[:, t, None], step, alpha)
    return torch.logsumexp(alpha + end, dim=1)  # (B,)


def crf_log_likelihood(emissions, tags, mask, start, transitions, end) -> torch.Tensor:
    """log p(tags | words) per sentence (B,)."""
    score = crf_sequence_score(emissions, tags, mask, start, transitions, end)
    return score - crf_log_partition(emissions, mask, start, transitions, end)


def crf_viterbi_decode(emissions, mask, start, transitions, end) -> torch.Tensor:
    """The highest-scoring tag sequence per sentence (B, T); 0 at padding."""
    B, T, _ = emissions.shape
    score = start + emissions[:, 0]  # (B, K)
    history = []
    for t in range(1, T):
        best, backpointer = (score.unsqueeze(2) + transitions).max(dim=1)  # (B, K) each
        step = best + emissions[:, t]
        score = torch.where(mask[:, t, None], step, score)
        history.append(backpointer)
    score = score + end
    lengths = mask.sum(dim=1).long()  # (B,)
    tags = torch.zeros(B, T, dtype=torch.long, device=emissions.device)
    best_last = score.argmax(dim=1)  # (B,)
    for b in range(B):
        tag = int(best_last[b])
        tags[b, lengths[b] - 1] = tag
        for t in range(int(lengths[b]) - 1, 0, -1):
            tag = int(history[t - 1][b, tag])
            tags[b, t - 1] = tag
    return tags
