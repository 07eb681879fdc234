"""Token classification (NER, POS tagging): word embeddings, a transformer encoder or a
bidirectional LSTM, a linear emission head per word, and optionally a linear-chain CRF
(Lafferty et al., 2001) whose transition scores the loss and the Viterbi decoder use.

Word ids are right-padded with 0. The CRF's scores travel with the emissions in the output,
so the loss and the decoder need nothing but the outputs."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.nn.checks import check_choice, check_divisible, check_dropout, check_positive
from metagen.nn.encoder import encoder_from_config

TAGGER_ENCODERS = ("transformer", "bilstm")


@dataclass
class SequenceTaggerConfig:
    vocab_size: int = 8192  # word-hash buckets; id 0 is padding
    max_len: int = 128  # longest sentence in words (the transformer's position table)
    encoder: str = "transformer"  # or bilstm
    d_model: int = 256
    n_layers: int = 4
    n_heads: int = 4  # transformer only
    d_ff: int = 1024  # transformer only
    num_classes: int = 9  # tags: O, then B- and I- per entity type
    crf: bool = False
    norm_eps: float = 1e-5
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_choice("encoder", self.encoder, TAGGER_ENCODERS)
        check_positive(
            vocab_size=self.vocab_size,
            max_len=self.max_len,
            d_model=self.d_model,
            n_layers=self.n_layers,
            n_heads=self.n_heads,
            d_ff=self.d_ff,
            num_classes=self.num_classes,
            norm_eps=self.norm_eps,
        )
        if self.encoder == "transformer":
            check_divisible("d_model", self.d_model, "n_heads", self.n_heads)
        else:
            check_divisible("d_model", self.d_model, "2 directions", 2)
        check_dropout(self.dropout)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        """Word ids, the later rows shorter (right padding)."""
        ids = torch.randint(1, self.vocab_size, (batch_size, self.max_len), generator=generator)
        lengths = torch.tensor([max(1, self.max_len - 3 * i) for i in range(batch_size)])
        padding = torch.arange(self.max_len)[None, :] >= lengths[:, None]
        return {"input_ids": ids.masked_fill(padding, 0)}


def reverse_within_lengths(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """x (B, T, C) with each row's first lengths[b] steps reversed; padding stays put."""
    T = x.size(1)
    steps = torch.arange(T, device=x.device)[None, :]  # (1, T)
    index = torch.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)  # (B, T)
    return x.gather(1, index.unsqueeze(-1).expand_as(x))


class BiLSTMLayer(nn.Module):
    """One LSTM reads each sentence forwards, another backwards (within its length)."""

    def __init__(self, d_model: int) -> None:
        super().__init__()
        self.forward_lstm = nn.LSTM(d_model, d_model // 2, batch_first=True)
        self.backward_lstm = nn.LSTM(d_model, d_model // 2, batch_first=True)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        ahead, _ = self.forward_lstm(x)  # (B, T, d/2)
        behind, _ = self.backward_lstm(reverse_within_lengths(x, lengths))
        return torch.cat((ahead, reverse_within_lengths(behind, lengths)), dim=-1)  # (B, T, d)


class TaggerCRF(nn.Module):
    """Linear-chain CRF scores: tag-to-tag transitions, and start and end scores."""

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.transitions = nn.Parameter(torch.empty(num_classes, num_classes).uniform_(-0.1, 0.1))
        self.start_transitions = nn.Parameter(torch.empty(num_classes).uniform_(-0.1, 0.1))
        self.end_transitions = nn.Parameter(torch.empty(num_classes).uniform_(-0.1, 0.1))


class SequenceTagger(nn.Module):
    """input_ids (B, T) -> {"emissions": (B, T, num_classes)}, plus the CRF's
    "transitions" (K, K), "start_transitions" and "end_transitions" (K,) with a CRF."""

    def __init__(self, config: SequenceTaggerConfig) -> None:
        super().__init__()
        c = config
        self.config = c
        self.token_embedding = nn.Embedding(c.vocab_size, c.d_model)
        self.dropout = nn.Dropout(c.dropout)
        if c.encoder == "transformer":
            self.position_embedding = nn.Embedding(c.max_len, c.d_model)
            self.blocks = encoder_from_config(c)
            self.final_norm = nn.LayerNorm(c.d_model, eps=c.norm_eps)
        else:
            self.encoder = nn.ModuleList(BiLSTMLayer(c.d_model) for _ in range(c.n_layers))
        self.head = nn.Linear(c.d_model, c.num_classes)
        self.crf = TaggerCRF(c.num_classes) if c.crf else None
        nn.init.normal_(self.token_embedding.weight, std=0.02)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, input_ids: torch.Tensor) -> torch.Tensor:
        B, T = input_ids.size()
        if T > self.config.max_len:
            raise ValueError(f"{T} words exceed max_len ({self.config.max_len})")
        present = input_ids != 0  # (B, T)
        x = self.token_embedding(input_ids)  # (B, T, d)
        if self.config.encoder == "transformer":
            x = self.dropout(x + self.position_embedding(torch.arange(T, device=x.device)))
            attn_mask = present[:, None, None, :]  # (B, 1, 1, T): attend to words only
            return self.final_norm(self.blocks(x, attn_mask))  # (B, T, d)
        lengths = present.sum(dim=1)  # (B,)
        x = self.dropout(x)
        for layer in self.encoder:
            x = self.dropout(layer(x, lengths))
        return x  # (B, T, d)

    def forward_head(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        outputs = {"emissions": self.head(features)}  # (B, T, K)
        if self.crf is not None:
            outputs.update(
                transitions=self.crf.transitions,
                start_transitions=self.crf.start_transitions,
                end_transitions=self.crf.end_transitions,
            )
        return outputs

    def forward(self, input_ids: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(input_ids))
