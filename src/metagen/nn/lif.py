"""Leaky integrate-and-fire (LIF) spiking neurons with a surrogate gradient, in plain torch.

Each step the membrane leaks by `beta`, adds the input current and, where the previous
membrane was over the threshold, is reset (by subtracting the threshold, or to zero); a
neuron spikes (1.0) where the new membrane is over the threshold:

    reset_t = [u_{t-1} > threshold]        (no gradient)
    u_t = beta * u_{t-1} + I_t - reset_t * threshold            ("subtract")
    u_t = beta * (1 - reset_t) * u_{t-1} + I_t                  ("zero")
    s_t = [u_t > threshold]

The step has no gradient, so the backward pass uses the arctan surrogate of Fang et al. 2021:
ds/du = (alpha / 2) / (1 + (pi / 2 * alpha * (u - threshold))^2). snntorch's Leaky neuron
follows the same equations (tests/ check it against them).
"""

import math

import torch
from torch import nn

from metagen.nn.checks import check_choice

RESET_MODES = ("subtract", "zero")


class ArcTanSpike(torch.autograd.Function):
    """Heaviside step of the shifted membrane forward, the arctan surrogate backward."""

    @staticmethod
    def forward(ctx, shifted: torch.Tensor, alpha: float) -> torch.Tensor:
        ctx.save_for_backward(shifted)
        ctx.alpha = alpha
        return (shifted > 0).to(shifted.dtype)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (shifted,) = ctx.saved_tensors
        slope = ctx.alpha / 2 / (1 + (math.pi / 2 * ctx.alpha * shifted).square())
        return grad * slope, None


def spike(shifted: torch.Tensor, alpha: float = 2.0) -> torch.Tensor:
    return ArcTanSpike.apply(shifted, alpha)


class LIF(nn.Module):
    """A layer of LIF neurons over time: currents (B, T, ...) -> spikes and membranes, both
    (B, T, ...), from a membrane at rest (zeros) unless `membrane` is given. `beta` is the
    membrane's decay per step in [0, 1]; learn_beta makes it a parameter."""

    def __init__(
        self,
        beta: float = 0.9,
        threshold: float = 1.0,
        reset: str = "subtract",
        alpha: float = 2.0,
        learn_beta: bool = False,
    ) -> None:
        super().__init__()
        check_choice("reset", reset, RESET_MODES)
        if not 0.0 <= beta <= 1.0:
            raise ValueError(f"beta must be in [0, 1], got {beta!r}")
        if threshold <= 0:
            raise ValueError(f"threshold must be positive, got {threshold!r}")
        self.threshold, self.reset, self.alpha = threshold, reset, alpha
        if learn_beta:
            self.beta = nn.Parameter(torch.tensor(float(beta)))
        else:
            self.register_buffer("beta", torch.tensor(float(beta)))

    def step(self, current: torch.Tensor, membrane: torch.Tensor):
        """One step: (spikes, membrane) after `current`, from the previous `membrane`."""
        beta = self.beta.clamp(0.0, 1.0)
        fired = (membrane > self.threshold).to(membrane.dtype)  # the previous step's spikes
        if self.reset == "subtract":
            membrane = beta * membrane + current - fired * self.threshold
        else:
            membrane = beta * (1 - fired) * membrane + current
        return spike(membrane - self.threshold, self.alpha), membrane

    def forward(self, currents: torch.Tensor, membrane: torch.Tensor | None = None):
        if membrane is None:
            membrane = torch.zeros_like(currents[:, 0])
        spikes, membranes = [], []
        for t in range(currents.shape[1]):
            s, membrane = self.step(currents[:, t], membrane)
            spikes.append(s)
            membranes.append(membrane)
        return torch.stack(spikes, 1), torch.stack(membranes, 1)
