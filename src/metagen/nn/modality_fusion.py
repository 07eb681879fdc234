"""The fusion system's strategies (spec fusion.strategy): per-modality token sequences in,
one fused vector (B, d) out, and on request each modality's pooled features, the attention
maps and the modality weights used.

- early: every modality's tokens, each with its modality's embedding and scaled by its weight
  (times the modalities present, so equal weights scale by 1), in one sequence through joint
  encoder blocks, then pooled (joint encoding from the start: the per-modality encoders are
  left to the caller's preprocessing);
- late: each modality pooled and through its own head (a GELU MLP), the heads' outputs
  averaged by the modality weights;
- hybrid: each modality's tokens attend to the other modalities' tokens (cross-attention),
  then pooled and averaged by the modality weights;
- hierarchical: every pair of modalities fused by an MLP (level 1), the pairs averaged by the
  product of their modalities' weights and fused by a global MLP (level 2);
- cross_attention: queries from the first modality's tokens, and a learned summary query
  that stands in for them when the first modality is missing, over the others' tokens, each
  key's attention multiplied by its modality's weight (a log-weight bias), pooled.

A missing modality (present[:, m] False) is masked out everywhere: its tokens are no keys, its
features no term of an average, its pairs no pair. It is never replaced by zeros that the
model would read as input. At least one modality must be present per sample. Modality weights
are a softmax of learned logits (learnable), equal (fixed), or given positive numbers; each is
renormalised over the modalities present. Modality dropout (training only) drops each
modality of a sample with probability p, keeping at least one.
"""

from itertools import combinations

import torch
from torch import nn

from metagen.nn.checks import check_choice, check_positive
from metagen.nn.encoder import transformer_encoder
from metagen.nn.pooling import masked_token_mean

STRATEGIES = ("early", "late", "hybrid", "hierarchical", "cross_attention")


def pool(tokens: torch.Tensor, padding: torch.Tensor | None) -> torch.Tensor:
    """(B, T, d) -> (B, d): the mean over tokens that are not padding (True)."""
    return masked_token_mean(tokens, None if padding is None else ~padding)


def fusion_mlp(d_in: int, d: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_in, d), nn.GELU(), nn.Linear(d, d))


class ModalityFusion(nn.Module):
    def __init__(
        self,
        strategy: str,
        modalities: list[str],
        d: int,
        heads: int,
        *,
        weights: str | dict[str, float] = "learnable",
        modality_dropout: float = 0.0,
        joint_layers: int = 1,
        norm_eps: float = 1e-5,
    ) -> None:
        super().__init__()
        check_choice("strategy", strategy, STRATEGIES)
        check_positive(d=d, heads=heads)
        if len(modalities) < 2:
            raise ValueError(f"fusion needs two or more modalities, got {modalities}")
        if not 0.0 <= modality_dropout < 1.0:
            raise ValueError(f"modality_dropout must be in [0, 1), got {modality_dropout!r}")
        self.strategy, self.modalities, self.dropout = strategy, list(modalities), modality_dropout
        count = len(modalities)
        if isinstance(weights, dict):  # fixed at the given numbers
            given = torch.tensor([float(weights[m]) for m in modalities])
            self.register_buffer("weight_logits", torch.log(given))
        elif weights == "learnable":
            self.weight_logits = nn.Parameter(torch.zeros(count))
        else:
            check_choice("weights", weights, ("learnable", "fixed"))
            self.register_buffer("weight_logits", torch.zeros(count))
        if strategy == "early":
            self.modality_embedding = nn.Parameter(torch.zeros(count, d))
            self.joint = transformer_encoder(joint_layers, d, heads, 4 * d, norm_eps=norm_eps,
                                             dropout=0.0)  # fmt: skip
        if strategy == "late":
            self.heads = nn.ModuleList(fusion_mlp(d, d) for _ in modalities)
        if strategy in ("hybrid", "cross_attention"):
            self.modality_embedding = nn.Parameter(torch.zeros(count, d))
            self.attention = nn.MultiheadAttention(d, heads, batch_first=True)
            self.norm = nn.LayerNorm(d, eps=norm_eps)
        if strategy == "cross_attention":  # a query that is there when the first modality is not
            self.summary_query = nn.Parameter(torch.zeros(1, 1, d))
        if strategy == "hierarchical":
            self.pairs = list(combinations(range(count), 2))
            self.pair_mlp = fusion_mlp(2 * d, d)
            self.global_mlp = fusion_mlp(d, d)

    # ---------------------------------------------------------------------------------------

    def present_mask(self, batch: int, present, device) -> torch.Tensor:
        """(B, M) bool: the given mask (all present without), then modality dropout."""
        if present is None:
            present = torch.ones(batch, len(self.modalities), dtype=torch.bool, device=device)
        # a data-dependent check: eager runs make it, an exported graph cannot branch on data
        if not torch.compiler.is_exporting() and not present.any(1).all():
            raise ValueError("every sample needs at least one modality present")
        if self.training and self.dropout > 0:
            draws = torch.rand(present.shape, device=device)
            kept = present & (draws >= self.dropout)
            # keep at least one: the present modality with the largest draw
            best = torch.where(present, draws, -1.0).argmax(1)
            kept[torch.arange(batch), best] |= ~kept.any(1)
            present = kept
        return present

    def modality_weights(self, present: torch.Tensor) -> torch.Tensor:
        """(B, M): the softmax of the weight logits over the modalities present."""
        logits = self.weight_logits.expand_as(present).masked_fill(~present, float("-inf"))
        return logits.softmax(1)

    def forward(self, tokens: dict, padding: dict | None = None, present=None, details=False):
        """tokens: modality -> (B, T_m, d); padding: modality -> (B, T_m) bool (True: padding);
        present: (B, M) bool in the order of `modalities`."""
        padding = padding or {}
        xs = [tokens[m] for m in self.modalities]
        pads = [padding.get(m) for m in self.modalities]
        batch = xs[0].shape[0]
        present = self.present_mask(batch, present, xs[0].device)
        weights = self.modality_weights(present)
        pooled = [pool(x, pad) for x, pad in zip(xs, pads, strict=True)]
        maps: dict[str, torch.Tensor] = {}
        fused = getattr(self, f"_{self.strategy}")(xs, pads, pooled, present, weights, maps)
        if not details:
            return fused
        features = dict(zip(self.modalities, pooled, strict=True))
        return fused, {"features": features, "attention": maps, "weights": weights,
                       "present": present}  # fmt: skip

    # ---------------------------------------------------------------------------------------
    # the strategies: each (xs, pads, pooled, present, weights, maps) -> (B, d)

    def _keys(self, xs, pads, present, skip: int | None):
        """Every modality's tokens but `skip`'s, with their modality embeddings, their key
        padding mask (True: not a key: padding, or a missing modality's tokens) and each
        key's modality index (S,)."""
        keys, masks, owners = [], [], []
        for m, (x, pad) in enumerate(zip(xs, pads, strict=True)):
            if m == skip:
                continue
            gone = ~present[:, m : m + 1].expand(-1, x.shape[1])
            keys.append(x + self.modality_embedding[m])
            masks.append(gone if pad is None else gone | pad)
            owners.append(torch.full((x.shape[1],), m, device=x.device))
        return torch.cat(keys, 1), torch.cat(masks, 1), torch.cat(owners)

    def _attend(self, queries, keys, masked, bias=None):
        """Residual cross-attention; `bias` (B, S) is added to every query's logits; a sample
        with no key at all keeps its queries."""
        none = masked.all(1)  # (B,)
        safe = masked & ~none[:, None]  # attend to something rather than to nothing (NaN)
        logits_bias = None
        if bias is not None:  # (B * heads, T, S), as nn.MultiheadAttention takes it
            heads, steps = self.attention.num_heads, queries.shape[1]
            bias = bias.masked_fill(safe, 0.0)  # the padding mask removes those keys
            logits_bias = bias[:, None, None, :].expand(-1, heads, steps, -1).flatten(0, 1)
            safe = safe.to(bias.dtype).masked_fill(safe, float("-inf"))
        out, attention = self.attention(
            self.norm(queries), keys, keys, key_padding_mask=safe, attn_mask=logits_bias
        )
        out = out * (~none).to(out.dtype)[:, None, None]
        return queries + out, attention

    def _early(self, xs, pads, pooled, present, weights, maps):
        scale = weights * present.sum(1, keepdim=True)  # (B, M): 1 for equal weights
        joined = torch.cat(
            [(x + self.modality_embedding[m]) * scale[:, m, None, None] for m, x in enumerate(xs)],
            1,
        )
        gone = [
            ~present[:, m : m + 1].expand(-1, x.shape[1]) if pad is None
            else ~present[:, m : m + 1] | pad
            for m, (x, pad) in enumerate(zip(xs, pads, strict=True))
        ]  # fmt: skip
        masked = torch.cat(gone, 1)
        encoded = self.joint(joined, ~masked[:, None, None, :])
        return pool(encoded, masked)

    def _late(self, xs, pads, pooled, present, weights, maps):
        outputs = torch.stack([head(p) for head, p in zip(self.heads, pooled, strict=True)], 1)
        return (weights.unsqueeze(-1) * outputs).sum(1)

    def _hybrid(self, xs, pads, pooled, present, weights, maps):
        attended = []
        for m, (x, pad) in enumerate(zip(xs, pads, strict=True)):
            keys, masked, _ = self._keys(xs, pads, present, skip=m)
            out, maps[self.modalities[m]] = self._attend(
                x + self.modality_embedding[m], keys, masked
            )
            attended.append(pool(out, pad))
        return (weights.unsqueeze(-1) * torch.stack(attended, 1)).sum(1)

    def _hierarchical(self, xs, pads, pooled, present, weights, maps):
        pair_vectors, pair_weights = [], []
        for i, j in self.pairs:
            pair_vectors.append(self.pair_mlp(torch.cat([pooled[i], pooled[j]], -1)))
            pair_weights.append(weights[:, i] * weights[:, j])
        level1 = torch.stack(pair_vectors, 1)  # (B, pairs, d)
        w = torch.stack(pair_weights, 1)  # zero for a pair with a missing modality
        lonely = w.sum(1) == 0  # one modality present: no pair; it stands alone
        w = torch.where(
            lonely[:, None], torch.zeros_like(w), w / w.sum(1, keepdim=True).clamp(min=1e-12)
        )
        alone = (weights.unsqueeze(-1) * torch.stack(pooled, 1)).sum(1)
        combined = (w.unsqueeze(-1) * level1).sum(1)
        return self.global_mlp(torch.where(lonely[:, None], alone, combined))

    def _cross_attention(self, xs, pads, pooled, present, weights, maps):
        batch = xs[0].shape[0]
        summary = self.summary_query.expand(batch, 1, -1)
        queries = torch.cat([summary, xs[0] + self.modality_embedding[0]], 1)
        gone = ~present[:, :1].expand(-1, xs[0].shape[1])  # the first modality's tokens
        skipped = gone if pads[0] is None else gone | pads[0]
        query_padding = torch.cat([torch.zeros_like(skipped[:, :1]), skipped], 1)
        keys, masked, owners = self._keys(xs, pads, present, skip=0)
        bias = torch.log(weights[:, owners].clamp(min=1e-12))  # (B, S)
        out, maps[self.modalities[0]] = self._attend(queries, keys, masked, bias)
        return pool(out, query_padding)
