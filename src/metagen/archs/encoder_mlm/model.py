"""Bidirectional transformer encoder with a masked-language-model head (BERT), in reading order."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.bert import BertEncoder, BertEncoderConfig


@dataclass
class EncoderMLMConfig(BertEncoderConfig):
    """BERT's fields; the pooler is kept for the published configuration, never trained by
    the MLM loss."""


class MLMHead(nn.Module):
    """Dense + GELU + LayerNorm, then a decoder to the vocabulary whose weight the model ties
    to the token embedding; the decoder keeps its own bias."""

    def __init__(self, d_model: int, vocab_size: int, norm_eps: float) -> None:
        super().__init__()
        self.dense = nn.Linear(d_model, d_model)
        self.norm = nn.LayerNorm(d_model, eps=norm_eps)
        self.decoder = nn.Linear(d_model, vocab_size)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.norm(F.gelu(self.dense(features))))  # (B, T, vocab_size)


class EncoderMLM(BertEncoder):
    """input_ids (B, T) -> MLM logits (B, T, vocab_size), every token seeing every other."""

    def __init__(self, config: EncoderMLMConfig) -> None:
        super().__init__(config)
        self.mlm_head = MLMHead(config.d_model, config.vocab_size, config.norm_eps)
        self.mlm_head.decoder.weight = self.embeddings.token_embedding.weight
        self.init_bert_weights()
        if self.pooler is not None:
            # Kept for the published BERT configuration; only next-sentence prediction trained
            # it, so it is frozen rather than left to drift untrained under DDP and AdamW.
            self.pooler.requires_grad_(False)

    def forward_features(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """attention_mask (B, T): 1 for tokens, 0 for padding that no token attends to."""
        return self.encode(input_ids, attention_mask, token_type_ids)  # (B, T, C)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.mlm_head(features)  # (B, T, vocab_size)

    def pooled_output(self, features: torch.Tensor) -> torch.Tensor:
        """BERT's pooled first-token vector (B, C); needs `pooler: true`."""
        if self.pooler is None:
            raise ValueError("this encoder was built without a pooler (pooler: false)")
        return self.pooler(features)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        return self.forward_head(self.forward_features(input_ids, attention_mask, token_type_ids))
