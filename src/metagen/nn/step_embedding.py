"""A sequence of vectors as transformer tokens: a linear embedding of each step's vector plus
a learned position, for sequences of at most `context` steps (an agent's history)."""

import torch
from torch import nn


class StepEmbedding(nn.Module):
    """x (B, T, d_in), T <= context -> (B, T, d_model)."""

    def __init__(self, d_in: int, d_model: int, context: int) -> None:
        super().__init__()
        self.proj = nn.Linear(d_in, d_model)
        self.positions = nn.Parameter(torch.zeros(context, d_model))
        nn.init.normal_(self.positions, std=0.02)

    def forward(self, x: torch.Tensor, start: int = 0) -> torch.Tensor:
        """`start`: the position of x's first step (steps before it are cached elsewhere)."""
        end, context = start + x.shape[1], self.positions.shape[0]
        if end > context:
            raise ValueError(f"{end} steps are more than the context of {context}")
        return self.proj(x.float()) + self.positions[start:end]


def causal_mask(steps: int, device: torch.device) -> torch.Tensor:
    """(steps, steps), True where a step may attend: itself and the steps before it."""
    return torch.ones(steps, steps, dtype=torch.bool, device=device).tril()
