"""Hugging Face ResNet (ResNetForImageClassification) and torchvision ResNet state_dicts ->
resnet: the dims, and the tensors renamed into MetaGen's names. Both are ResNet v1.5 (stride
on the 3x3 conv), as MetaGen's. Pure Python at import."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from metagen.archs.hf_mapping import (
    Rule,
    check_model_type,
    expected_shapes,
    gather,
    hf_field,
    refuse,
    require,
)

if TYPE_CHECKING:
    from torch import Tensor

FAMILY = "ResNet"
TORCHVISION = "torchvision ResNet"
BLOCK_EXPANSION = {"basic": 1, "bottleneck": 4}
IMAGE_SIZE = 224  # the ImageNet resolution; the network itself takes any size
# MetaGen's conv_bn is Sequential(conv, bn): index -> Hugging Face's name for it.
HF_CONV_BN = {"0": "convolution", "1": "normalization"}
# BatchNorm's update counter, absent from older checkpoints; it only matters to
# momentum=None training, and torch's own BatchNorm loader fills it with 0 too.
BATCHES_TRACKED = "num_batches_tracked"


def config_from_hf(hf_config: dict[str, Any]) -> dict[str, Any]:
    """resnet dims from a ResNet config.json; refuses ResNet v1 (stride on the first 1x1),
    a strided first stage, another activation, and stage widths off MetaGen's doubling."""
    check_model_type(hf_config, FAMILY, ("resnet",))
    block = hf_field(hf_config, "layer_type", FAMILY)
    if block not in BLOCK_EXPANSION:
        raise refuse(FAMILY, "layer_type", block, "MetaGen builds basic and bottleneck blocks")
    require(hf_config, FAMILY, "hidden_act", "relu", "relu", "MetaGen's ResNet uses ReLU")
    require(
        hf_config,
        FAMILY,
        "downsample_in_bottleneck",
        False,
        False,
        "MetaGen's bottleneck strides its 3x3 conv (ResNet v1.5), not the first 1x1 (v1)",
    )
    require(
        hf_config,
        FAMILY,
        "downsample_in_first_stage",
        False,
        False,
        "MetaGen's first stage keeps the stem's resolution",
    )
    width = hf_field(hf_config, "embedding_size", FAMILY)
    widths = [width * 2**i * BLOCK_EXPANSION[block] for i in range(4)]
    require(
        hf_config, FAMILY, "hidden_sizes", widths, None, "MetaGen's stages double from the stem"
    )
    depths = list(hf_field(hf_config, "depths", FAMILY))
    labels = hf_config.get("id2label")
    num_classes = len(labels) if labels else hf_field(hf_config, "num_labels", FAMILY)
    if num_classes < 1:
        raise refuse(FAMILY, "num_labels", num_classes, "MetaGen's ResNet ends in a classifier")
    return {
        "block": block,
        "layers": depths,
        "width": width,
        "in_channels": hf_field(hf_config, "num_channels", FAMILY),
        "num_classes": num_classes,
        "stem": "imagenet",
        "image_size": IMAGE_SIZE,
    }


def _hf_name(ours: str) -> str:
    """Hugging Face's name for MetaGen's resnet tensor `ours`."""
    parts = ours.split(".")
    if parts[0] == "stem":  # stem.0.<conv|bn>.param
        return f"resnet.embedder.embedder.{HF_CONV_BN[parts[2]]}.{parts[3]}"
    if parts[0] == "head":
        return f"classifier.1.{parts[1]}"
    stage, block, unit, layer, param = parts  # stage2.0.conv1.1.weight
    unit = "shortcut" if unit == "downsample" else f"layer.{int(unit[len('conv') :]) - 1}"
    stages = f"resnet.encoder.stages.{int(stage[len('stage') :]) - 1}"
    return f"{stages}.layers.{block}.{unit}.{HF_CONV_BN[layer]}.{param}"


def _torchvision_name(ours: str) -> str:
    """torchvision's name for MetaGen's resnet tensor `ours` (conv1, bn1, layer1.0.conv1,
    layer1.0.bn1, layer1.0.downsample.0, ..., fc)."""
    parts = ours.split(".")
    if parts[0] == "stem":  # stem.0.<conv|bn>.param
        return "conv1.weight" if parts[2] == "0" else f"bn1.{parts[3]}"
    if parts[0] == "head":
        return f"fc.{parts[1]}"
    stage, block, unit, layer, param = parts
    prefix = f"layer{stage[len('stage') :]}.{block}"
    if unit == "downsample":
        return f"{prefix}.downsample.{layer}.{param}"
    index = unit[len("conv") :]
    return f"{prefix}.conv{index}.weight" if layer == "0" else f"{prefix}.bn{index}.{param}"


def _map(
    state: dict[str, Tensor], dims: dict[str, Any], name_of: Callable[[str], str], family: str
) -> dict[str, Tensor]:
    import torch

    rules: list[Rule] = []
    state = dict(state)
    for ours in expected_shapes("resnet", dims):
        theirs = name_of(ours)
        if ours.endswith(BATCHES_TRACKED) and theirs not in state:
            state[theirs] = torch.tensor(0, dtype=torch.long)
        rules.append((ours, theirs))
    return gather(state, rules, "resnet", dims, family=family)


def state_dict_from_hf(hf_state: dict[str, Tensor], dims: dict[str, Any]) -> dict[str, Tensor]:
    """MetaGen's resnet state_dict from a ResNetForImageClassification one."""
    return _map(hf_state, dims, _hf_name, FAMILY)


def state_dict_from_torchvision(
    tv_state: dict[str, Tensor], dims: dict[str, Any]
) -> dict[str, Tensor]:
    """MetaGen's resnet state_dict from a torchvision ResNet one (resnet18 ... resnet152)."""
    return _map(tv_state, dims, _torchvision_name, TORCHVISION)


def config_from_torchvision(tv_state: dict[str, Tensor]) -> dict[str, Any]:
    """resnet dims read off a torchvision ResNet state_dict's shapes (it has no config):
    bottleneck blocks where layer1.0 has a conv3, the stage depths from the block indices,
    the stem width and input channels from conv1, the classes from fc. ResNeXt and wide
    ResNets then fail state_dict_from_torchvision's shape check, naming the tensor."""
    for name in ("conv1.weight", "fc.weight"):
        if name not in tv_state:
            raise ValueError(
                f"A torchvision ResNet state_dict has {name}; this one lacks it. Pass the "
                "state_dict of torchvision.models.resnet18/34/50/101/152."
            )
    conv1 = tuple(tv_state["conv1.weight"].shape)
    if conv1[2:] != (7, 7):
        raise refuse(TORCHVISION, "conv1 kernel", conv1[2:], "MetaGen's ImageNet stem is 7x7")
    depths = []
    for stage in range(1, 5):
        blocks = {name.split(".")[1] for name in tv_state if name.startswith(f"layer{stage}.")}
        depths.append(len(blocks))
    return {
        "block": "bottleneck" if "layer1.0.conv3.weight" in tv_state else "basic",
        "layers": depths,
        "width": conv1[0],
        "in_channels": conv1[1],
        "num_classes": tuple(tv_state["fc.weight"].shape)[0],
        "stem": "imagenet",
        "image_size": IMAGE_SIZE,
    }
