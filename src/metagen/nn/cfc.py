"""Closed-form continuous-time (CfC) cells (Hasani et al. 2022, "Closed-form continuous-time
neural networks", Nature Machine Intelligence), in plain torch.

A CfC cell approximates the solution of a liquid time-constant ODE in closed form, so a step
costs one pass of small layers, not an ODE solver. A backbone (Linear + LeCun tanh layers)
reads the input and the state; from its output, heads f and g give two candidate states and
the time-constant heads a, b a gate sigma(a * t + b), where t is the time elapsed since the
previous step (irregular sampling changes t):

- "gated" (the paper's CfC, eq. 10): h' = tanh(f) * (1 - gate) + gate * tanh(g);
- "no_gate": h' = tanh(f) + gate * tanh(g);
- "pure" (the direct closed-form solution, eq. 5): h' = A - A * exp(-t * (|w_tau| + |f|)) * f,
  with learned A and w_tau per unit and no g, a or b heads.
"""

import torch
from torch import nn

from metagen.nn.checks import check_choice

CFC_MODES = ("gated", "no_gate", "pure")
# LeCun et al. 1998's scaled tanh, the paper's backbone activation: about unit gain near 0.
LECUN_SCALE, LECUN_SLOPE = 1.7159, 0.666


class LeCunTanh(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return LECUN_SCALE * torch.tanh(LECUN_SLOPE * x)


class CfCCell(nn.Module):
    """One step: input (B, input_size), state (B, hidden_size), elapsed time (a number or a
    tensor broadcasting against (B, hidden_size), such as (B, 1)) -> the next state."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        backbone_units: int = 128,
        backbone_layers: int = 1,
        mode: str = "gated",
    ) -> None:
        super().__init__()
        check_choice("mode", mode, CFC_MODES)
        if backbone_layers < 0:
            raise ValueError(f"backbone_layers must be >= 0, got {backbone_layers}")
        self.mode = mode
        layers: list[nn.Module] = []
        width = input_size + hidden_size  # without a backbone the heads read [input, state]
        for _ in range(backbone_layers):
            layers += [nn.Linear(width, backbone_units), LeCunTanh()]
            width = backbone_units
        self.backbone = nn.Sequential(*layers)
        self.ff1 = nn.Linear(width, hidden_size)  # f: the state the gate starts from
        if mode == "pure":
            self.w_tau = nn.Parameter(torch.zeros(1, hidden_size))
            self.A = nn.Parameter(torch.ones(1, hidden_size))
        else:
            self.ff2 = nn.Linear(width, hidden_size)  # g: the state the gate moves toward
            self.time_a = nn.Linear(width, hidden_size)  # the gate's rate in elapsed time
            self.time_b = nn.Linear(width, hidden_size)  # and its offset
        for layer in self.modules():  # the paper's Glorot-uniform weights
            if isinstance(layer, nn.Linear):
                nn.init.xavier_uniform_(layer.weight)

    def forward(self, x: torch.Tensor, h: torch.Tensor, elapsed=1.0) -> torch.Tensor:
        features = self.backbone(torch.cat([x, h], -1))
        f = self.ff1(features)
        if self.mode == "pure":
            return self.A - self.A * torch.exp(-elapsed * (self.w_tau.abs() + f.abs())) * f
        gate = torch.sigmoid(self.time_a(features) * elapsed + self.time_b(features))
        f, g = torch.tanh(f), torch.tanh(self.ff2(features))
        if self.mode == "no_gate":
            return f + gate * g
        return f * (1 - gate) + gate * g


class CfC(nn.Module):
    """A CfC cell over a sequence: x (B, T, input_size), optional elapsed times (B, T) (every
    step 1.0 without), optional first state (B, hidden_size; zeros without) -> every step's
    state (B, T, hidden_size) and the last one (B, hidden_size)."""

    def __init__(self, input_size: int, hidden_size: int, **cell) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.cell = CfCCell(input_size, hidden_size, **cell)

    def forward(self, x: torch.Tensor, elapsed: torch.Tensor | None = None, h=None):
        if h is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        states = []
        for t in range(x.shape[1]):
            step = 1.0 if elapsed is None else elapsed[:, t, None]
            h = self.cell(x[:, t], h, step)
            states.append(h)
        return torch.stack(states, 1), h
