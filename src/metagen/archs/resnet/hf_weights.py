"""Hugging Face ResNet (ResNetForImageClassification) and torchvision ResNet state_dicts ->
resnet: the dims, and the tensors renamed into MetaGen's names. Both are ResNet v1.5 (stride
on the 3x3 conv), as MetaGen's. Pure Python at import."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from metagen.archs.hf_mapping import (
    Rule,
    apply_rules,
    check_model_type,
    num_labels,
    require,
    setting,
    target_shapes,
)

FAMILY = "ResNet"
WHERE = "ResNet config.json"
TORCHVISION = "torchvision ResNet"
BLOCK_EXPANSION = {"basic": 1, "bottleneck": 4}
IMAGE_SIZE = 224  # the ImageNet resolution; the network itself takes any size
# MetaGen's conv_bn is Sequential(conv, bn): index -> Hugging Face's name for it.
HF_CONV_BN = {"0": "convolution", "1": "normalization"}
# BatchNorm's update counter, absent from older checkpoints; it only matters to
# momentum=None training, and torch's own BatchNorm loader fills it with 0 too.
BATCHES_TRACKED = "num_batches_tracked"


def config_from_hf(hf_config: Mapping[str, Any]) -> dict[str, Any]:
    """resnet dims from a ResNet config.json. A setting MetaGen does not compute (ResNet v1's
    stride on the first 1x1, a strided first stage, another activation, stage widths that do
    not double from the stem) is a ValueError naming it."""
    c = hf_config
    check_model_type(c, "resnet", FAMILY)
    block = setting(c, "layer_type", "bottleneck", where=WHERE)
    if block not in BLOCK_EXPANSION:
        raise ValueError(
            f"The {WHERE} sets layer_type = {block!r}; MetaGen builds the ResNet blocks "
            f"{', '.join(BLOCK_EXPANSION)}. Import a checkpoint with one of those."
        )
    require(c, "hidden_act", "relu", "relu", where=WHERE)
    require(c, "downsample_in_bottleneck", False, False, where=WHERE)  # v1.5, as torchvision
    require(c, "downsample_in_first_stage", False, False, where=WHERE)
    width = setting(c, "embedding_size", 64, where=WHERE)
    widths = [width * 2**i * BLOCK_EXPANSION[block] for i in range(4)]
    require(c, "hidden_sizes", widths, [256, 512, 1024, 2048], where=WHERE)
    return {
        "block": block,
        "layers": list(setting(c, "depths", [3, 4, 6, 3], where=WHERE)),
        "width": width,
        "in_channels": setting(c, "num_channels", 3, where=WHERE),
        "num_classes": num_labels(c),
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
    state: Mapping[str, Any], dims: Mapping[str, Any], name_of: Callable[[str], str], family: str
) -> dict[str, Any]:
    import torch

    state = dict(state)
    rules = []
    for ours in target_shapes("resnet", dims):
        theirs = name_of(ours)
        if ours.endswith(BATCHES_TRACKED) and theirs not in state:
            state[theirs] = torch.tensor(0, dtype=torch.long)
        rules.append(Rule(ours, (theirs,)))
    return apply_rules(state, rules, arch="resnet", dims=dims, family=family)


def state_dict_from_hf(hf_state: Mapping[str, Any], dims: Mapping[str, Any]) -> dict[str, Any]:
    """MetaGen's resnet state_dict from a ResNetForImageClassification one."""
    return _map(hf_state, dims, _hf_name, FAMILY)


def state_dict_from_torchvision(
    tv_state: Mapping[str, Any], dims: Mapping[str, Any]
) -> dict[str, Any]:
    """MetaGen's resnet state_dict from a torchvision ResNet one (resnet18 ... resnet152)."""
    return _map(tv_state, dims, _torchvision_name, TORCHVISION)


def config_from_torchvision(tv_state: Mapping[str, Any]) -> dict[str, Any]:
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
        raise ValueError(
            f"The {TORCHVISION} state_dict's conv1.weight has shape {conv1}; MetaGen's ImageNet "
            "stem is a 7x7 conv. Pass a torchvision resnet18/34/50/101/152 state_dict."
        )
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
