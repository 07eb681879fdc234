"""The fusion strategies: shapes and learning, a missing modality that nothing reads, one
modality alone, padding, modality weights renormalised over what is present, modality
dropout's rate, the attention maps, and the parameter counts."""

from __future__ import annotations

import pytest
import torch

from metagen.blueprint.counting import modality_fusion_params
from metagen.nn.modality_fusion import STRATEGIES, ModalityFusion

MODALITIES = ["image", "text", "sensor"]


def _tokens(batch: int = 4) -> dict[str, torch.Tensor]:
    return {"image": torch.randn(batch, 5, 16), "text": torch.randn(batch, 3, 16),
            "sensor": torch.randn(batch, 4, 16)}  # fmt: skip


def _fusion(strategy: str, **kwargs) -> ModalityFusion:
    torch.manual_seed(0)
    fusion = ModalityFusion(strategy, MODALITIES, 16, 4, **kwargs)
    with torch.no_grad():  # modality embeddings and the summary query start at zero: move them
        for name, p in fusion.named_parameters():
            if "embedding" in name or "summary_query" in name or "weight_logits" in name:
                p.normal_()
    return fusion


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_strategy_fuses_and_every_parameter_learns(strategy: str) -> None:
    fusion = _fusion(strategy)
    present = torch.tensor([[1, 1, 1], [1, 0, 1], [0, 1, 1], [1, 1, 1]], dtype=torch.bool)
    fused, details = fusion(_tokens(), present=present, details=True)
    assert fused.shape == (4, 16) and torch.isfinite(fused).all()
    assert set(details["features"]) == set(MODALITIES)
    fused.square().sum().backward()
    for name, p in fusion.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    learnable = modality_fusion_params(strategy, 3, 16, 1, learnable=True)
    assert learnable == sum(p.numel() for p in fusion.parameters())
    fixed = ModalityFusion(strategy, MODALITIES, 16, 4, weights="fixed")
    assert modality_fusion_params(strategy, 3, 16, 1, learnable=False) == sum(
        p.numel() for p in fixed.parameters()
    )


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_missing_modality_is_never_read_and_one_alone_is_enough(strategy: str) -> None:
    fusion = _fusion(strategy).eval()
    tokens = _tokens()
    present = torch.tensor([[1, 0, 1], [1, 0, 1], [0, 0, 1], [1, 1, 1]], dtype=torch.bool)
    other = {**tokens, "text": torch.randn(4, 3, 16) * 10}  # text is missing in rows 0-2
    with torch.no_grad():
        first, second = fusion(tokens, present=present), fusion(other, present=present)
    torch.testing.assert_close(first[:3], second[:3])
    assert not torch.allclose(first[3], second[3])  # row 3 has text: it counts
    assert torch.isfinite(first).all()  # row 2 has the sensor alone
    with pytest.raises(ValueError, match="at least one modality"):
        fusion(tokens, present=torch.zeros(4, 3, dtype=torch.bool))


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_padding_is_never_read(strategy: str) -> None:
    fusion = _fusion(strategy).eval()
    tokens = _tokens()
    padding = {"image": torch.zeros(4, 5, dtype=torch.bool)}
    padding["image"][:, 3:] = True
    other = {**tokens, "image": tokens["image"].clone()}
    other["image"][:, 3:] = torch.randn(4, 2, 16) * 10
    with torch.no_grad():
        torch.testing.assert_close(fusion(tokens, padding), fusion(other, padding))


def test_fixed_weights_are_renormalised_over_the_modalities_present() -> None:
    fusion = ModalityFusion("late", MODALITIES, 16, 4, weights={"image": 1, "text": 3, "sensor": 4})
    present = torch.tensor([[1, 1, 0], [1, 1, 1]], dtype=torch.bool)
    weights = fusion.modality_weights(present)
    torch.testing.assert_close(weights, torch.tensor([[0.25, 0.75, 0.0], [0.125, 0.375, 0.5]]))
    equal = ModalityFusion("late", MODALITIES, 16, 4, weights="fixed").modality_weights(present)
    torch.testing.assert_close(equal, torch.tensor([[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]]))


def test_modality_dropout_drops_at_its_rate_in_training_only_and_keeps_one() -> None:
    torch.manual_seed(0)
    fusion = ModalityFusion("late", MODALITIES, 16, 4, modality_dropout=0.3)
    kept = fusion.present_mask(20_000, None, "cpu")
    assert kept.any(1).all()
    # each modality is dropped with p = 0.3, except that a sample whose draws drop all three
    # (p^3) keeps one of them: 0.3 - 0.3^3 / 3 of each modality is dropped
    expected = 0.3 - 0.3**3 / 3
    assert abs((~kept).float().mean().item() - expected) < 0.01
    fusion.eval()
    assert fusion.present_mask(100, None, "cpu").all()


@pytest.mark.parametrize("strategy", ["hybrid", "cross_attention"])
def test_attention_maps_put_no_weight_on_missing_keys(strategy: str) -> None:
    fusion = _fusion(strategy).eval()
    present = torch.tensor([[1, 1, 0], [1, 1, 1], [1, 1, 1], [1, 1, 1]], dtype=torch.bool)
    with torch.no_grad():
        _, details = fusion(_tokens(), present=present, details=True)
    image = details["attention"]["image"]  # image queries over text (3) then sensor (4) keys
    rows = 5 if strategy == "hybrid" else 6  # cross_attention: the summary query, then image's
    assert image.shape == (4, rows, 7)
    torch.testing.assert_close(image.sum(-1), torch.ones(4, rows))
    assert torch.all(image[0, :, 3:] == 0)  # row 0 has no sensor


def test_cross_attention_attends_by_the_modality_weights() -> None:
    tokens = _tokens()
    mass = {}
    for sensor_weight in (1.0, 1000.0):
        torch.manual_seed(0)
        weights = {"image": 1.0, "text": 1.0, "sensor": sensor_weight}
        fusion = ModalityFusion("cross_attention", MODALITIES, 16, 4, weights=weights).eval()
        with torch.no_grad():
            _, details = fusion(tokens, details=True)
        mass[sensor_weight] = details["attention"]["image"][..., 3:].sum(-1).mean().item()
    assert mass[1000.0] > 0.99 > mass[1.0]
