"""fusion_net beyond the registry tests: any subset of its modalities may be given, and a
modality left out predicts as one marked absent."""

from __future__ import annotations

import pytest
import torch

from metagen.archs.fusion_net.model import FusionNet, FusionNetConfig


def test_fusion_net_reads_any_subset_of_its_modalities() -> None:
    torch.manual_seed(0)
    config = FusionNetConfig(modalities=["image", "sensor", "text"], d_model=16, n_heads=2,
                             d_ff=32, encoder="lif", threshold=0.3, image_size=16,
                             sensor_steps=32, text_len=8)  # fmt: skip
    model = FusionNet(config).eval()
    inputs = config.example_inputs(3, torch.Generator().manual_seed(1))
    with torch.no_grad():
        both, details = model.forward_details(image=inputs["image"], sensor=inputs["sensor"])
        other = model(image=inputs["image"], sensor=inputs["sensor"], text=inputs["text"] * 0,
                      present=torch.tensor([[1, 1, 0]] * 3, dtype=torch.bool))  # fmt: skip
    # text left out, or given but marked absent: the same prediction
    torch.testing.assert_close(both, other)
    assert details["present"].tolist() == [[True, True, False]] * 3
    assert details["spike_rate"] is not None and 0 < float(details["spike_rate"]) < 1


def test_align_resamples_the_time_based_inputs_to_one_length() -> None:
    config = FusionNetConfig(modalities=["audio", "sensor", "text"], d_model=16, n_heads=2,
                             d_ff=32, audio_samples=1024, sensor_steps=32, text_len=8,
                             align_steps=6)  # fmt: skip
    model = FusionNet(config).eval()
    inputs = config.example_inputs(2, torch.Generator().manual_seed(0))
    with torch.no_grad():
        tokens, _, _, _ = model.encode(inputs)
    assert tokens["audio"].shape == tokens["sensor"].shape == (2, 6, 16)
    assert tokens["text"].shape == (2, 8, 16)  # no time axis: kept
    unaligned = FusionNet(FusionNetConfig(**{**config.__dict__, "align_steps": None})).eval()
    with torch.no_grad():
        assert unaligned.encode(inputs)[0]["sensor"].shape == (2, 8, 16)  # 32 steps / 4
    with pytest.raises(ValueError, match="align_steps"):
        FusionNetConfig(align_steps=1)


def test_each_removed_modality_equals_a_forward_with_it_marked_absent() -> None:
    config = FusionNetConfig(modalities=["image", "sensor", "tabular"], d_model=16, n_heads=2,
                             d_ff=32, image_size=16, sensor_steps=32, strategy="hierarchical",
                             encoder="cfc")  # fmt: skip
    model = FusionNet(config).eval()
    inputs = config.example_inputs(3, torch.Generator().manual_seed(2))
    with torch.no_grad():
        removed = model.forward_each_removed(**inputs)
        for m, name in enumerate(config.modalities):
            present = torch.ones(3, 3, dtype=torch.bool)
            present[:, m] = False
            torch.testing.assert_close(removed[name], model(present=present, **inputs))


def test_a_sample_left_with_no_input_has_no_output_when_one_is_removed() -> None:
    config = FusionNetConfig(modalities=["image", "text"], d_model=16, n_heads=2, d_ff=32,
                             image_size=16, text_len=8)  # fmt: skip
    model = FusionNet(config).eval()
    inputs = config.example_inputs(3, torch.Generator().manual_seed(3))
    present = torch.tensor([[True, True], [True, False], [False, True]])
    with torch.no_grad():
        removed = model.forward_each_removed(present=present, **inputs)
        image_only = model(present=torch.tensor([[True, False]] * 3), **inputs)
    # without the image, the image-only sample (row 1) has nothing left; the others read text
    assert removed["image"][1].isnan().all() and removed["image"][[0, 2]].isfinite().all()
    assert removed["text"][2].isnan().all()
    torch.testing.assert_close(removed["text"][[0, 1]], image_only[[0, 1]])
