"""The fusion system's per-modality encoder, each kind: shapes, every parameter learns, a
token's output reads no token after it (recurrent kinds) and no padding (transformer), the
spike rate by hand, and the parameter count against the module."""

from __future__ import annotations

import pytest
import torch

from metagen.blueprint.counting import modality_encoder_params
from metagen.nn.modality_encoder import ENCODER_KINDS, ModalityEncoder


def _encoder(kind: str, **kwargs) -> ModalityEncoder:
    torch.manual_seed(0)
    return ModalityEncoder(kind, 16, 2, n_heads=4, d_ff=24, cfc_units=12, **kwargs)


@pytest.mark.parametrize("kind", ENCODER_KINDS)
def test_every_kind_keeps_the_shape_and_every_parameter_learns(kind: str) -> None:
    encoder = _encoder(kind, threshold=0.3)  # a low threshold: the neurons fire from the start
    tokens = torch.randn(3, 5, 16)
    out, rate = encoder(tokens)
    assert out.shape == tokens.shape
    spiking = kind in ("lif", "cfc_lif")
    assert (rate is not None) == spiking
    if spiking:
        assert 0 < float(rate.detach()) < 1
    out.square().mean().backward()
    for name, p in encoder.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert modality_encoder_params(kind, 16, 2, 24, 12) == sum(
        p.numel() for p in encoder.parameters()
    )


@pytest.mark.parametrize("kind", ["cfc", "lif", "cfc_lif"])
def test_recurrent_kinds_read_tokens_in_order(kind: str) -> None:
    encoder = _encoder(kind).eval()
    tokens = torch.randn(2, 6, 16)
    later = tokens.clone()
    later[:, 4:] += 3.0
    with torch.no_grad():
        first, changed = encoder(tokens)[0], encoder(later)[0]
    torch.testing.assert_close(first[:, :4], changed[:, :4])
    if kind != "lif":  # the lif encoder reads each token alone
        assert not torch.allclose(first[:, 4:], changed[:, 4:])


def test_the_transformer_ignores_padding() -> None:
    encoder = _encoder("transformer").eval()
    tokens = torch.randn(2, 6, 16)
    padding = torch.zeros(2, 6, dtype=torch.bool)
    padding[:, 4:] = True
    other = tokens.clone()
    other[:, 4:] = torch.randn(2, 2, 16) * 5
    with torch.no_grad():
        first, second = encoder(tokens, padding)[0], encoder(other, padding)[0]
    torch.testing.assert_close(first[:, :4], second[:, :4])


def test_the_spike_rate_by_hand() -> None:
    # beta 0 and a constant current of 2 thresholds: the membrane is 2 at the first step and
    # fires; the reset takes one threshold off the next step (1: no spike), and so on: every
    # other step fires, a rate of 1/2 over 8 steps, in every layer
    encoder = ModalityEncoder("lif", 4, 2, num_spike_steps=8, beta=0.0, threshold=1.0)
    with torch.no_grad():
        for layer in encoder.spiking.currents:
            layer.weight.zero_()
            layer.bias.fill_(2.0)
        _, rate = encoder(torch.randn(2, 3, 4))
    assert float(rate) == 0.5
