"""ResNet's published function and weights: a transformers ResNet with seeded random weights
(built from a config, nothing downloaded), mapped by hf_weights.py, gives MetaGen's model the
same logits; and a torchvision-layout state_dict, run by a functional forward written here
from torchvision's resnet.py layout (torchvision itself is not installed), does too."""

import pytest
import torch
import torch.nn.functional as F
from transformers import ResNetConfig, ResNetForImageClassification

from metagen.archs.build import build_from_dims
from metagen.archs.resnet.hf_weights import (
    config_from_hf,
    config_from_torchvision,
    state_dict_from_hf,
    state_dict_from_torchvision,
)

torch.set_num_threads(1)

EXPANSION = {"basic": 1, "bottleneck": 4}
HF_CASES = {
    "bottleneck": dict(layer_type="bottleneck", depths=[1, 2, 1, 1], num_channels=3),
    "basic_gray": dict(layer_type="basic", depths=[2, 1, 1, 2], num_channels=1),
}


def randomize_(model: torch.nn.Module, generator: torch.Generator) -> None:
    """Every weight and BatchNorm statistic random, so that eval mode uses them all."""
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            if name.endswith("running_var"):
                tensor.copy_(0.5 + torch.rand(tensor.shape, generator=generator))
            else:
                tensor.copy_(0.3 * torch.randn(tensor.shape, generator=generator))


def hf_config(case: str, width: int = 8) -> ResNetConfig:
    values = HF_CASES[case]
    e = EXPANSION[values["layer_type"]]
    sizes = [width * 2**i * e for i in range(4)]
    return ResNetConfig(embedding_size=width, hidden_sizes=sizes, num_labels=5, **values)


@pytest.mark.parametrize("case", HF_CASES)
def test_same_logits_as_transformers_resnet(case):
    config = hf_config(case)
    generator = torch.Generator().manual_seed(0)
    reference = ResNetForImageClassification(config).eval()
    randomize_(reference, generator)
    dims = config_from_hf(config.to_dict())
    model = build_from_dims("resnet", dims).eval()
    model.load_state_dict(state_dict_from_hf(reference.state_dict(), dims), strict=True)
    images = torch.randn(2, config.num_channels, 64, 48, generator=generator)
    with torch.no_grad():
        expected = reference(pixel_values=images).logits
        ours = model(images=images)
    torch.testing.assert_close(ours, expected, rtol=0, atol=1e-5)


def test_hf_mangled_state_dict_names_the_tensor():
    config = hf_config("bottleneck")
    state = ResNetForImageClassification(config).state_dict()
    dims = config_from_hf(config.to_dict())
    missing = "resnet.encoder.stages.3.layers.0.shortcut.normalization.running_var"
    with pytest.raises(ValueError, match=f"no tensor '{missing}'"):
        state_dict_from_hf({k: v for k, v in state.items() if k != missing}, dims)
    wrong = "resnet.encoder.stages.1.layers.1.layer.1.convolution.weight"
    with pytest.raises(ValueError, match=rf"'{wrong}' has shape \(16, 16, 1, 1\)"):
        state_dict_from_hf({**state, wrong: state[wrong][:, :, :1, :1]}, dims)


@pytest.mark.parametrize(
    ("override", "setting"),
    [
        ({"downsample_in_bottleneck": True}, "downsample_in_bottleneck"),
        ({"downsample_in_first_stage": True}, "downsample_in_first_stage"),
        ({"hidden_act": "gelu"}, "hidden_act"),
        ({"hidden_sizes": [32, 64, 128, 512]}, "hidden_sizes"),
        ({"model_type": "vit"}, "for a .vit. model"),
    ],
)
def test_config_refuses_what_metagen_cannot_compute(override, setting):
    with pytest.raises(ValueError, match=setting):
        config_from_hf({**hf_config("bottleneck").to_dict(), **override})


# torchvision's layout (torchvision/models/resnet.py): conv1, bn1, max-pool, layer1..layer4 of
# blocks with conv1/bn1, conv2/bn2 (the 3x3, strided in a stage's first block), conv3/bn3 in
# a bottleneck, downsample.0 (1x1 conv) and downsample.1 (BN) where the shape changes, fc.


def torchvision_state(block: str, layers: list[int], width: int, classes: int, generator):
    """A random state_dict with torchvision's names and shapes, built as _make_layer does."""
    e = EXPANSION[block]
    state: dict[str, torch.Tensor] = {}

    def conv(name, c_out, c_in, k):  # He-scaled, so that activations stay near 1
        scale = (2 / (c_in * k * k)) ** 0.5
        state[f"{name}.weight"] = scale * torch.randn(c_out, c_in, k, k, generator=generator)

    def bn(name, c):
        state[f"{name}.weight"] = 1 + 0.2 * torch.randn(c, generator=generator)
        state[f"{name}.bias"] = 0.2 * torch.randn(c, generator=generator)
        state[f"{name}.running_mean"] = 0.2 * torch.randn(c, generator=generator)
        state[f"{name}.running_var"] = 0.5 + torch.rand(c, generator=generator)
        state[f"{name}.num_batches_tracked"] = torch.tensor(7)

    conv("conv1", width, 3, 7)
    bn("bn1", width)
    inplanes = width
    for i, depth in enumerate(layers):
        planes = width * 2**i
        for j in range(depth):
            p = f"layer{i + 1}.{j}"
            shapes = (
                [(planes, inplanes, 1), (planes, planes, 3), (planes * e, planes, 1)]
                if block == "bottleneck"
                else [(planes, inplanes, 3), (planes, planes, 3)]
            )
            for k, (c_out, c_in, size) in enumerate(shapes, start=1):
                conv(f"{p}.conv{k}", c_out, c_in, size)
                bn(f"{p}.bn{k}", c_out)
            stride = 2 if i > 0 and j == 0 else 1
            if stride != 1 or inplanes != planes * e:
                conv(f"{p}.downsample.0", planes * e, inplanes, 1)
                bn(f"{p}.downsample.1", planes * e)
            inplanes = planes * e
    state["fc.weight"] = torch.randn(classes, inplanes, generator=generator) / inplanes**0.5
    state["fc.bias"] = 0.3 * torch.randn(classes, generator=generator)
    return state


def torchvision_forward(state, images, block, layers):
    """torchvision's ResNet.forward in eval mode, read off the state_dict's names."""

    def bn(x, name):
        s = {k: state[f"{name}.{k}"] for k in ("running_mean", "running_var", "weight", "bias")}
        return F.batch_norm(x, **s, training=False, eps=1e-5)

    def conv(x, name, stride=1):
        weight = state[f"{name}.weight"]
        return F.conv2d(x, weight, stride=stride, padding=weight.size(-1) // 2)

    x = F.relu(bn(conv(images, "conv1", 2), "bn1"))
    x = F.max_pool2d(x, 3, 2, 1)
    for i, depth in enumerate(layers):
        for j in range(depth):
            p, stride = f"layer{i + 1}.{j}", 2 if i > 0 and j == 0 else 1
            strides = [1, stride, 1] if block == "bottleneck" else [stride, 1]
            out = x
            for k, s in enumerate(strides, start=1):
                out = bn(conv(out, f"{p}.conv{k}", s), f"{p}.bn{k}")
                out = F.relu(out) if k < len(strides) else out
            identity = x
            if f"{p}.downsample.0.weight" in state:
                identity = bn(conv(x, f"{p}.downsample.0", stride), f"{p}.downsample.1")
            x = F.relu(out + identity)
    return F.linear(x.mean(dim=(2, 3)), state["fc.weight"], state["fc.bias"])


@pytest.mark.parametrize(
    ("block", "layers"), [("bottleneck", [2, 1, 2, 1]), ("basic", [2, 2, 1, 1])]
)
def test_same_logits_as_torchvision_layout(block, layers):
    generator = torch.Generator().manual_seed(0)
    state = torchvision_state(block, layers, 8, 6, generator)
    dims = config_from_torchvision(state)
    assert dims == {
        "block": block,
        "layers": layers,
        "width": 8,
        "in_channels": 3,
        "num_classes": 6,
        "stem": "imagenet",
        "image_size": 224,
    }
    model = build_from_dims("resnet", dims).eval()
    model.load_state_dict(state_dict_from_torchvision(state, dims), strict=True)
    images = torch.randn(2, 3, 40, 56, generator=generator)
    with torch.no_grad():
        expected = torchvision_forward(state, images, block, layers)
        ours = model(images=images)
    torch.testing.assert_close(ours, expected, rtol=0, atol=1e-5)


def test_torchvision_mangled_state_dict_names_the_tensor():
    generator = torch.Generator().manual_seed(0)
    state = torchvision_state("bottleneck", [1, 1, 1, 1], 8, 6, generator)
    dims = config_from_torchvision(state)
    missing = "layer3.0.downsample.1.running_var"
    with pytest.raises(ValueError, match=f"no tensor '{missing}'"):
        state_dict_from_torchvision({k: v for k, v in state.items() if k != missing}, dims)
    wrong = "layer2.0.conv2.weight"
    with pytest.raises(ValueError, match=rf"'{wrong}' has shape \(16, 16, 1, 1\)"):
        state_dict_from_torchvision({**state, wrong: state[wrong][:, :, :1, :1]}, dims)
    # Checkpoints saved before BatchNorm counted its updates lack the counter; torch's
    # loader starts it at 0 and so does the mapping.
    old = {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}
    mapped = state_dict_from_torchvision(old, dims)
    assert int(mapped["stage1.0.conv1.1.num_batches_tracked"]) == 0
