"""One test over every registered architecture (timm style): build, forward, backward, shapes,
gradients, counts, and a training step."""

import pytest
import torch
from tests.archs.small_dims import CASE_IDS, CASES, SMALL_DIMS, unique_params_by_name

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.archs.registry import archs
from metagen.blueprint.counts import count_layer_params, count_params

torch.set_num_threads(1)


def build(arch: str, dims: dict, seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return build_from_dims(arch, dims)


def trainable(model: torch.nn.Module) -> list[tuple[str, torch.nn.Parameter]]:
    """Named parameters that training updates: not fixed tables (Whisper's sinusoids)."""
    return [(name, p) for name, p in model.named_parameters() if p.requires_grad]


def tensors(out) -> list[torch.Tensor]:
    """Every output tensor: a model may return a dict (its first entry the prediction)."""
    return list(out.values()) if isinstance(out, dict) else [out]


def training_signal(out) -> torch.Tensor:
    """A scalar that every output tensor feeds into, with a gradient even where an output is
    zero (a Gaussian policy's log standard deviation starts at 0)."""
    return sum(t.float().square().mean() + t.float().mean() for t in tensors(out))


def expected_shape(arch: str, dims: dict, inputs: dict) -> tuple[int, ...]:
    if arch in ("decoder_lm", "encoder_mlm"):  # logits per token
        return (*inputs["input_ids"].shape, dims["vocab_size"])
    if arch == "vlm":  # logits per text token
        return (*inputs["input_ids"].shape, dims["vocab_size"])
    if arch == "clip":  # every image against every caption
        return (inputs["images"].shape[0], inputs["input_ids"].shape[0])
    if arch == "audio_lm":  # logits over mu-law levels per decoder position
        return (*inputs["input_ids"].shape, dims["n_levels"])
    if arch in ("unet", "video_diffusion"):  # predicted noise, shaped like the noisy input
        return tuple(inputs["noisy"].shape)
    if arch in ("seg_unet", "segformer"):  # logits per pixel (+ center and offsets: panoptic)
        images = inputs["images"]
        channels = dims["num_classes"] + 3 * dims["instance_head"]
        return (images.shape[0], channels, *images.shape[2:])
    if arch == "speech_encoder_decoder":  # logits per transcript token
        return (*inputs["input_ids"].shape, dims["vocab_size"])
    if arch == "speech_ctc":  # logits per encoder position (frames // 2, rounded up)
        positions = (dims["clip_samples"] // dims["hop_length"] + 1) // 2
        return (inputs["waveform"].shape[0], positions, dims["vocab_size"])
    if arch == "sequence_tagger":  # emission scores per word
        return (*inputs["input_ids"].shape, dims["num_classes"])
    if arch == "anomaly_autoencoder":  # the reconstruction
        return tuple(inputs["values"].shape)
    if arch in ("tft", "patchtst", "rnn_forecaster", "dlinear", "nbeats"):  # the forecast
        return (next(iter(inputs.values())).shape[0], dims["horizon"])
    if arch in ("yolo", "condinst"):  # class logits per cell of the stride 8, 16, 32 levels
        cells = sum((dims["image_size"] // stride) ** 2 for stride in (8, 16, 32))
        return (inputs["images"].shape[0], cells, dims["num_classes"])
    if arch == "detr":  # class logits (and "no object") per query, at every decoder layer
        return (
            inputs["images"].shape[0],
            dims["decoder_layers"],
            dims["num_queries"],
            dims["num_classes"] + 1,
        )
    if arch == "two_tower":  # every user of the batch against every item
        return (inputs["users"].shape[0], inputs["items"].shape[0])
    if arch == "gnn":  # a vector per node, or per graph of the union
        rows = inputs["x"].shape[0] if dims["readout"] == "none" else int(inputs["batch"].max()) + 1
        return (rows, dims["num_outputs"])
    if arch in ("policy_mlp", "policy_transformer"):  # action logits, or the Gaussian's mean
        return (inputs["obs"].shape[0], dims["num_actions"])
    if arch in ("q_mlp", "sac_mlp", "policy_cnn"):  # Q-values or logits per action; an action
        return (inputs["obs"].shape[0], dims["num_actions"])
    if arch == "world_model":  # the observation's latent
        return (inputs["obs"].shape[0], dims["d_latent"])
    if arch == "world_transformer":  # each step's latent
        return (*inputs["obs"].shape[:2], dims["d_latent"])
    if arch == "fusion_net":  # logits from the fused modalities
        return (next(iter(inputs.values())).shape[0], dims["num_outputs"])
    if arch == "world_rssm":  # the observation's state: memory and stochastic part
        return (inputs["obs"].shape[0], dims["d_deter"] + dims["d_stoch"])
    if arch in ("tabular_mlp", "text_encoder", "fasttext", "series_cnn"):  # per row, text, series
        return (next(iter(inputs.values())).shape[0], dims["num_outputs"])
    return (next(iter(inputs.values())).shape[0], dims["num_classes"])


def test_every_architecture_has_small_dims():
    assert set(SMALL_DIMS) == set(archs())


@pytest.mark.parametrize(("arch", "dims"), CASES, ids=CASE_IDS)
def test_forward_backward_and_gradients(arch, dims):
    model = build(arch, dims)
    inputs = example_inputs_for(arch, dims, batch_size=2)
    out = model(**inputs)
    assert tensors(out)[0].shape == expected_shape(arch, dims, inputs)
    assert all(torch.isfinite(t).all() for t in tensors(out))
    training_signal(out).backward()
    for name, p in trainable(model):
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


@pytest.mark.parametrize(("arch", "dims"), CASES, ids=CASE_IDS)
def test_forward_is_features_then_head(arch, dims):
    model = build(arch, dims).eval()
    inputs = example_inputs_for(arch, dims, batch_size=2)
    with torch.no_grad():
        features = model.forward_features(**inputs)
        torch.testing.assert_close(model.forward_head(features), model(**inputs))


@pytest.mark.parametrize(("arch", "dims"), CASES, ids=CASE_IDS)
def test_param_counts_match_module(arch, dims):
    model = build(arch, dims)
    total = sum(p.numel() for p in model.parameters())
    assert model.get_num_params() == total
    components = count_params(arch, dims)
    assert sum(components.values()) == total
    assert components == unique_params_by_name(model, components)
    layers = count_layer_params(arch, dims)
    assert layers == unique_params_by_name(model, layers)
    with_params = {name for name, m in model.named_children() if list(m.parameters())}
    assert with_params <= set(components)


@pytest.mark.parametrize(("arch", "dims"), CASES, ids=CASE_IDS)
def test_every_trainable_parameter_changes_after_one_step(arch, dims):
    model = build(arch, dims)
    inputs = example_inputs_for(arch, dims, batch_size=2)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.0)
    training_signal(model(**inputs)).backward()
    optimizer.step()
    for name, p in trainable(model):
        assert not torch.equal(p.detach(), before[name]), name


@pytest.mark.parametrize(("arch", "dims"), CASES, ids=CASE_IDS)
def test_example_inputs_are_deterministic(arch, dims):
    first = example_inputs_for(arch, dims, batch_size=3)
    second = example_inputs_for(arch, dims, batch_size=3)
    assert first.keys() == second.keys()
    for key in first:
        # a graph batch is one disjoint union: its tensors are sized by nodes and edges
        assert first[key].shape[0] == 3 or arch == "gnn"
        assert torch.equal(first[key], second[key])


@pytest.mark.parametrize(("arch", "dims"), CASES, ids=CASE_IDS)
def test_builds_on_meta_device(arch, dims):
    with torch.device("meta"):
        model = build_from_dims(arch, dims)
    assert all(p.device.type == "meta" for p in model.parameters())
    assert model.get_num_params() == sum(count_params(arch, dims).values())


@pytest.mark.parametrize(("arch", "dims"), CASES, ids=CASE_IDS)
def test_same_seed_same_weights_same_output(arch, dims):
    inputs = example_inputs_for(arch, dims, batch_size=2)
    a, b = build(arch, dims).eval(), build(arch, dims).eval()
    with torch.no_grad():
        for x, y in zip(tensors(a(**inputs)), tensors(b(**inputs)), strict=True):
            assert torch.equal(x, y)
