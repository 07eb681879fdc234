"""The liquid and spiking blocks against their reference implementations, given the same
weights: nn/cfc.py's CfC cell and sequence against ncps' CfCCell and CfC, and nn/lif.py's LIF
layer (spikes, membranes and surrogate gradients) against snntorch's Leaky, within 1e-5.
ncps and snntorch are test-only references."""

from __future__ import annotations

import pytest
import torch

from metagen.nn.cfc import CfC, CfCCell
from metagen.nn.lif import LIF

ncps = pytest.importorskip("ncps.torch")
snntorch = pytest.importorskip("snntorch")

NCPS_MODES = {"gated": "default", "no_gate": "no_gate", "pure": "pure"}


def _reference_cell(mode: str, backbone_layers: int):
    torch.manual_seed(0)
    reference = ncps.CfCCell(5, 7, mode=NCPS_MODES[mode], backbone_activation="lecun_tanh",
                             backbone_units=9, backbone_layers=backbone_layers)  # fmt: skip
    if mode == "pure":  # ncps draws A and w_tau from Glorot: any values will do
        with torch.no_grad():
            reference.A.normal_()
            reference.w_tau.normal_()
    ours = CfCCell(5, 7, backbone_units=9, backbone_layers=backbone_layers, mode=mode)
    ours.load_state_dict(reference.state_dict())
    return ours, reference


@pytest.mark.parametrize("mode", sorted(NCPS_MODES))
@pytest.mark.parametrize("backbone_layers", [0, 1, 2])
def test_cfc_cell_equals_ncps(mode: str, backbone_layers: int) -> None:
    ours, reference = _reference_cell(mode, backbone_layers)
    x, h = torch.randn(4, 5), torch.randn(4, 7)
    for elapsed in (1.0, 0.3, torch.rand(4, 1) * 2):
        expected, _ = reference(x, h, elapsed)
        torch.testing.assert_close(ours(x, h, elapsed), expected, rtol=0, atol=1e-5)
    # the gradients agree too
    x.requires_grad_(True)
    ours(x, h, 0.5).square().sum().backward()
    ours_grad = x.grad.clone()
    x.grad = None
    reference(x, h, 0.5)[0].square().sum().backward()
    torch.testing.assert_close(ours_grad, x.grad, rtol=0, atol=1e-5)


def test_cfc_sequence_equals_ncps() -> None:
    torch.manual_seed(1)
    reference = ncps.CfC(5, 7, backbone_units=9, backbone_layers=1, batch_first=True,
                         return_sequences=True, mixed_memory=False)  # fmt: skip
    ours = CfC(5, 7, backbone_units=9, backbone_layers=1)
    ours.cell.load_state_dict(reference.rnn_cell.state_dict())
    x = torch.randn(3, 6, 5)
    expected, expected_last = reference(x)
    states, last = ours(x)
    torch.testing.assert_close(states, expected, rtol=0, atol=1e-5)
    torch.testing.assert_close(last, expected_last, rtol=0, atol=1e-5)
    # irregular steps: the elapsed time of each step moves the gate
    elapsed = torch.rand(3, 6) + 0.1
    cell_states, h = [], torch.zeros(3, 7)
    for t in range(6):
        h, _ = reference.rnn_cell(x[:, t], h, elapsed[:, t, None])
        cell_states.append(h)
    torch.testing.assert_close(ours(x, elapsed)[0], torch.stack(cell_states, 1), rtol=0, atol=1e-5)
    assert not torch.allclose(ours(x, elapsed)[0], states)


@pytest.mark.parametrize("reset", ["subtract", "zero"])
@pytest.mark.parametrize("beta", [0.5, 0.95])
def test_lif_equals_snntorch_leaky(reset: str, beta: float) -> None:
    torch.manual_seed(0)
    currents = (torch.randn(4, 12, 6) * 0.8 + 0.4).requires_grad_(True)
    reference = snntorch.Leaky(beta=beta, threshold=1.0, reset_mechanism=reset)
    membrane = torch.zeros(4, 6)
    expected_spikes, expected_membranes = [], []
    for t in range(12):
        s, membrane = reference(currents[:, t], membrane)
        expected_spikes.append(s)
        expected_membranes.append(membrane)
    expected = torch.stack(expected_spikes, 1)
    weights = torch.randn(4, 12, 6)  # any downstream use of the spikes
    (expected * weights).sum().backward()
    expected_grad = currents.grad.clone()
    currents.grad = None

    spikes, membranes = LIF(beta=beta, threshold=1.0, reset=reset)(currents)
    torch.testing.assert_close(spikes, expected, rtol=0, atol=1e-5)
    torch.testing.assert_close(membranes, torch.stack(expected_membranes, 1), rtol=0, atol=1e-5)
    assert 0 < spikes.mean() < 1  # some neurons fire, some do not
    (spikes * weights).sum().backward()
    torch.testing.assert_close(currents.grad, expected_grad, rtol=0, atol=1e-5)
    assert currents.grad.abs().sum() > 0  # the surrogate carries a gradient


def test_lif_rejects_impossible_settings() -> None:
    with pytest.raises(ValueError, match="beta must be in"):
        LIF(beta=1.5)
    with pytest.raises(ValueError, match="threshold must be positive"):
        LIF(threshold=0.0)
    with pytest.raises(ValueError, match="reset must be one of"):
        LIF(reset="none")


@pytest.mark.parametrize("mode", sorted(NCPS_MODES))
@pytest.mark.parametrize("backbone_layers", [0, 1, 3])
def test_cfc_counts_equal_the_module_and_the_flop_counter(mode: str, backbone_layers: int) -> None:
    from torch.utils.flop_counter import FlopCounterMode

    from metagen.blueprint.counting import cfc_cell_flops, cfc_cell_params

    cell = CfCCell(5, 7, backbone_units=9, backbone_layers=backbone_layers, mode=mode)
    dims = (5, 7, 9, backbone_layers, mode)
    assert cfc_cell_params(*dims) == sum(p.numel() for p in cell.parameters())
    with FlopCounterMode(display=False) as counter:
        cell(torch.randn(1, 5), torch.randn(1, 7), 1.0)
    assert cfc_cell_flops(*dims) == counter.get_total_flops()
    assert sum(p.numel() for p in LIF(learn_beta=True).parameters()) == 1
    assert not list(LIF().parameters())  # a fixed beta is a buffer
