"""Each arch's costs (counts.py) against its built module's batch-1 forward: FLOPs exactly per
component, as torch's FlopCounterMode counts them; kernels and activations, which feed only
the latency estimate, within a stated tolerance of the ops really dispatched."""

import pytest
import torch
from tests.archs.measured_costs import measured_costs
from tests.archs.small_dims import CASE_IDS, CASES

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.blueprint.cost import total
from metagen.blueprint.counts import count_costs, count_flops

torch.set_num_threads(1)

TEXT_ARCHS = ("decoder_lm", "clip", "vlm")

# The latency model reads kernels and activations as estimates: each component's count may
# miss by this share of the measured one, or by the small absolute slack (a reshape that
# copies on one layout and not on another).
KERNEL_SHARE, KERNEL_SLACK = 0.25, 2
ACTIVATION_SHARE, ACTIVATION_SLACK = 0.30, 64


def _planned_and_measured(arch: str, dims: dict) -> tuple[dict, dict, int | None]:
    torch.manual_seed(0)
    model = build_from_dims(arch, dims).eval()
    inputs = example_inputs_for(arch, dims, batch_size=1)
    seq_len = inputs["input_ids"].shape[1] if arch in TEXT_ARCHS else None
    return count_costs(arch, dims, seq_len=seq_len), measured_costs(model, inputs), seq_len


@pytest.mark.parametrize(("arch", "dims"), CASES, ids=CASE_IDS)
def test_costs_match_the_forward(arch, dims):
    planned, measured, seq_len = _planned_and_measured(arch, dims)
    assert total(planned).flops == count_flops(arch, dims, seq_len=seq_len)
    for name in set(planned) | set(measured):
        want = measured.get(name, {"flops": 0, "kernels": 0, "activations": 0})
        got = planned.get(name)
        assert got is not None, f"{name}: {want} measured, no cost planned"
        assert got.flops == want["flops"], name
        assert abs(got.kernels - want["kernels"]) <= max(
            KERNEL_SHARE * want["kernels"], KERNEL_SLACK
        ), (name, got, want)
        assert abs(got.activations - want["activations"]) <= max(
            ACTIVATION_SHARE * want["activations"], ACTIVATION_SLACK
        ), (name, got, want)
