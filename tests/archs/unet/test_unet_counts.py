"""U-Net counts over more layouts than small_dims holds: depths 1 to 3, channel multipliers
that rise, fall or stay, with and without captions; each against the built module."""

from __future__ import annotations

import itertools

import pytest
import torch
from tests.archs.small_dims import UNET_BASE, unique_params_by_name
from tests.archs.test_archs_counts import measured_flops

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.blueprint.counts import count_flops, count_layer_params

torch.set_num_threads(1)

LAYOUTS = list(itertools.product([1, 3], [[1, 2, 3, 2], [2, 1], [1]], [True, False]))


@pytest.mark.parametrize(("blocks", "mults", "captions"), LAYOUTS, ids=str)
def test_unet_counts_match_the_module(blocks, mults, captions):
    dims = {
        **UNET_BASE,
        "image_size": 32,
        "attention_resolutions": [16, 4],
        "num_res_blocks": blocks,
        "channel_mults": mults,
        "text_conditioning": captions,
    }
    model = build_from_dims("unet", dims).eval()
    layers = count_layer_params("unet", dims)
    assert layers == unique_params_by_name(model, layers)
    inputs = example_inputs_for("unet", dims, batch_size=1)
    assert count_flops("unet", dims) == measured_flops(model, inputs)
