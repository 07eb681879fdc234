"""Position-wise feed-forward networks, selected by name, and the GELU variants that published
models put between the two matrices of a GELU MLP, selected by name."""

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_choice


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    return F.gelu(x, approximate="tanh")  # GPT-2's "gelu_new"


def quick_gelu(x: torch.Tensor) -> torch.Tensor:
    return x * torch.sigmoid(1.702 * x)  # OpenAI CLIP's approximation


# name -> a GELU: the exact (erf) one of BERT and ViT, or a published model's approximation.
GELU_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "gelu": F.gelu,
    "gelu_tanh": gelu_tanh,
    "quick_gelu": quick_gelu,
}


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
    """Two matrices with a GELU between them, the one `activation` names (GELU_ACTIVATIONS)."""

    def __init__(
        self, d_model: int, d_ff: int, *, bias: bool, dropout: float, activation: str = "gelu"
    ) -> None:
        super().__init__()
        self.in_proj = nn.Linear(d_model, d_ff, bias=bias)
        self.act = GELU_ACTIVATIONS[activation]  # the configs check the name
        self.out_proj = nn.Linear(d_ff, d_model, bias=bias)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.out_proj(self.act(self.in_proj(x))))


# name -> class; both take (d_model, d_ff, *, bias, dropout).
MLP_LAYERS: dict[str, type[nn.Module]] = {"swiglu": SwiGLU, "gelu": GeluMLP}


def feed_forward(
    kind: str, d_model: int, d_ff: int, *, bias: bool, dropout: float, activation: str
) -> nn.Module:
    """The MLP named `kind` (MLP_LAYERS). `activation` is the GELU MLP's; SwiGLU's gate is
    always SiLU, so it does not read it."""
    check_choice("mlp", kind, MLP_LAYERS)
    if kind == "swiglu":
        return SwiGLU(d_model, d_ff, bias=bias, dropout=dropout)
    return GeluMLP(d_model, d_ff, bias=bias, dropout=dropout, activation=activation)
