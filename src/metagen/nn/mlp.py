"""Position-wise feed-forward networks, selected by name."""

import torch
import torch.nn.functional as F
from torch import nn


class SwiGLU(nn.Module):
    """SiLU-gated MLP (Shazeer, 2020): three matrices of d_ff."""

    def __init__(self, d_model: int, d_ff: int, *, bias: bool, dropout: float) -> None:
        super().__init__()
        self.gate_proj = nn.Linear(d_model, d_ff, bias=bias)
        self.up_proj = nn.Linear(d_model, d_ff, bias=bias)
        self.out_proj = nn.Linear(d_ff, d_model, bias=bias)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.out_proj(F.silu(self.gate_proj(x)) * self.up_proj(x)))


class GeluMLP(nn.Module):
    """Two matrices with a GELU between them (GPT-2, ViT)."""

    def __init__(self, d_model: int, d_ff: int, *, bias: bool, dropout: float) -> None:
        super().__init__()
        self.in_proj = nn.Linear(d_model, d_ff, bias=bias)
        self.out_proj = nn.Linear(d_ff, d_model, bias=bias)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.out_proj(F.gelu(self.in_proj(x))))


# name -> class; both take (d_model, d_ff, *, bias, dropout).
MLP_LAYERS: dict[str, type[nn.Module]] = {"swiglu": SwiGLU, "gelu": GeluMLP}
