"""The fusion system's encoder of one modality: feature tokens (B, T, d) in, the same shape
out, by one of four kinds (spec fusion.encoder):

- transformer: pre-norm encoder blocks (nn/encoder.py) under a padding mask;
- cfc: a CfC (nn/cfc.py) reading the tokens in order, its state each token's output;
- lif: layers of a linear current presented `num_spike_steps` times to LIF neurons (direct
  coding, nn/lif.py), each token's output its neurons' spike rate over those steps; a linear
  readout maps the last rates back to features;
- cfc_lif: the lif layers' rates read by a CfC, as the fusion guide's liquid-spike encoder
  (spike encoder, then liquid cell).

forward gives the tokens and the spike rate (the fraction of neuron-steps that fired, a
0-dim tensor; None without spiking layers)."""

import torch
from torch import nn

from metagen.nn.cfc import CfC
from metagen.nn.checks import check_choice, check_positive
from metagen.nn.encoder import transformer_encoder
from metagen.nn.lif import LIF

ENCODER_KINDS = ("transformer", "cfc", "lif", "cfc_lif")


class SpikingLayers(nn.Module):
    """n_layers of Linear -> LIF rate over num_spike_steps, then a linear readout."""

    def __init__(self, d: int, n_layers: int, num_spike_steps: int, beta: float, threshold: float):
        super().__init__()
        self.steps = num_spike_steps
        self.currents = nn.ModuleList(nn.Linear(d, d) for _ in range(n_layers))
        self.neurons = LIF(beta=beta, threshold=threshold)
        self.readout = nn.Linear(d, d)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        fired = []
        for current in self.currents:
            drive = current(x).flatten(0, -2)  # (tokens, d): the same current every step
            spikes, _ = self.neurons(drive[:, None].expand(-1, self.steps, -1))
            x = spikes.mean(1).reshape(x.shape)  # each neuron's rate over the steps
            fired.append(spikes.mean())
        return self.readout(x), torch.stack(fired).mean()


class ModalityEncoder(nn.Module):
    def __init__(
        self,
        kind: str,
        d_model: int,
        n_layers: int,
        *,
        n_heads: int = 4,
        d_ff: int = 0,
        cfc_units: int = 0,
        num_spike_steps: int = 8,
        beta: float = 0.9,
        threshold: float = 1.0,
        norm_eps: float = 1e-5,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        check_choice("kind", kind, ENCODER_KINDS)
        check_positive(d_model=d_model, n_layers=n_layers, num_spike_steps=num_spike_steps)
        self.kind = kind
        if kind == "transformer":
            self.blocks = transformer_encoder(n_layers, d_model, n_heads, d_ff or 4 * d_model,
                                              norm_eps=norm_eps, dropout=dropout)  # fmt: skip
        if kind in ("lif", "cfc_lif"):
            self.spiking = SpikingLayers(d_model, n_layers, num_spike_steps, beta, threshold)
        if kind in ("cfc", "cfc_lif"):
            self.cfc = CfC(d_model, d_model, backbone_units=cfc_units or d_model, backbone_layers=1)

    def forward(self, tokens: torch.Tensor, padding: torch.Tensor | None = None):
        """tokens (B, T, d); padding (B, T) bool, True where a token is padding (transformer
        attention skips it; the recurrent kinds read tokens in order, so padding at the end
        changes no earlier output)."""
        rate = None
        if self.kind == "transformer":
            mask = None if padding is None else ~padding[:, None, None, :]
            return self.blocks(tokens, mask), rate
        x = tokens
        if self.kind in ("lif", "cfc_lif"):
            x, rate = self.spiking(x)
        if self.kind in ("cfc", "cfc_lif"):
            x, _ = self.cfc(x)
        return x, rate
