"""Which checkpoints `metagen import` reads, and the spec each becomes.

A family is found by the Hugging Face class a config.json names (`architectures`), else its
`model_type`; a single weights file needs --variant. The arch's own folder holds the mapping
(`archs/<arch>/hf_*.py`: config_from_hf, state_dict_from_hf); this table holds only what the
import adds: which mapping, and the modality and task the checkpoint was trained for, so that
the spec plans that arch with the checkpoint's dims (architecture.dims)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Dims = dict[str, Any]


@dataclass(frozen=True)
class Family:
    name: str  # as users call it: "GPT-2", "Llama"
    arch: str
    mapping: str  # module under metagen.archs with config_from_hf and state_dict_from_hf
    spec: Callable[[Dims], dict[str, Any]]  # the spec's sections, from the mapped dims
    # A single weights file with no config.json: the mapping reads the dims off the tensors
    # with config_from_<layout>(tensors) and maps with state_dict_from_<layout>.
    layout: str = "hf"

    def _module(self) -> Any:
        return importlib.import_module(f"metagen.archs.{self.mapping}")

    def config_from(
        self, hf_config: dict[str, Any], tensors: dict[str, Any], variant: Dims | None
    ) -> Dims:
        read = getattr(self._module(), f"config_from_{self.layout}")
        if self.layout == "hf":
            return read(hf_config)
        return read(tensors, variant) if self.needs_variant else read(tensors)

    @property
    def needs_variant(self) -> bool:
        """A file whose tensors do not fix every dim (a ViT's head count) needs --variant."""
        return self.layout == "timm"

    def state_dict_from(self, tensors: dict[str, Any], dims: Dims) -> dict[str, Any]:
        return getattr(self._module(), f"state_dict_from_{self.layout}")(tensors, dims)


def _causal_lm(dims: Dims) -> dict[str, Any]:
    return {
        "modality": {"inputs": ["text"], "outputs": ["text"]},
        "constraints": {"context_window": dims["context_length"]},
        "training": {"objective": ["autoregressive"]},
        "architecture": {"family": "transformer"},
    }


def _masked_lm(dims: Dims) -> dict[str, Any]:
    return {
        "modality": {"inputs": ["text"], "outputs": ["text"]},
        "training": {"objective": ["masked"]},
        "architecture": {"family": "transformer"},
    }


def _text_classifier(dims: Dims) -> dict[str, Any]:
    return {
        "modality": {"inputs": ["text"], "outputs": ["label"]},
        "task": {"type": "classification", "num_classes": dims["num_outputs"]},
        "architecture": {"family": "transformer"},
    }


def _image_classifier(family: str) -> Callable[[Dims], dict[str, Any]]:
    def spec(dims: Dims) -> dict[str, Any]:
        image = {"image_size": dims["image_size"], "channels": dims["in_channels"]}
        if "patch_size" in dims:
            image["patch_size"] = dims["patch_size"]
        return {
            "modality": {"inputs": ["image"], "outputs": ["label"], "image": image},
            "task": {"type": "classification", "num_classes": dims["num_classes"]},
            "architecture": {"family": family},
        }

    return spec


def _contrastive(dims: Dims) -> dict[str, Any]:
    image = {"image_size": dims["image_size"], "patch_size": dims["patch_size"]}
    return {
        "modality": {"inputs": ["text", "image"], "outputs": ["text", "image"], "image": image},
        "training": {"objective": ["contrastive"]},
        "architecture": {"family": "transformer"},
    }


def _segmenter(dims: Dims) -> dict[str, Any]:
    image = {"image_size": dims["image_size"], "channels": dims["in_channels"]}
    return {
        "modality": {"inputs": ["image"], "outputs": ["segmentation_mask"], "image": image},
        "task": {"type": "semantic_segmentation", "num_classes": dims["num_classes"]},
        "architecture": {"family": "transformer"},
    }


def _speech_recognizer(dims: Dims) -> dict[str, Any]:
    audio = {
        "sample_rate": dims["sample_rate"],
        "n_mels": dims["n_mels"],
        "hop_length": dims["hop_length"],
        "clip_seconds": dims["clip_samples"] / dims["sample_rate"],
    }
    return {
        "modality": {"inputs": ["audio"], "outputs": ["text"], "audio": audio},
        "task": {"type": "speech_recognition"},
        "architecture": {"family": "transformer"},
    }


_GPT2 = Family("GPT-2", "decoder_lm", "decoder_lm.hf_weights", _causal_lm)
_LLAMA = Family("Llama", "decoder_lm", "decoder_lm.hf_llama", _causal_lm)
_MISTRAL = Family("Mistral", "decoder_lm", "decoder_lm.hf_llama", _causal_lm)
_QWEN2 = Family("Qwen2", "decoder_lm", "decoder_lm.hf_llama", _causal_lm)
_BERT_MLM = Family("BERT", "encoder_mlm", "encoder_mlm.hf_weights", _masked_lm)
_BERT_CLASSIFIER = Family("BERT", "text_encoder", "text_encoder.hf_weights", _text_classifier)
_VIT = Family("ViT", "vit", "vit.hf_weights", _image_classifier("transformer"))
_RESNET = Family("ResNet", "resnet", "resnet.hf_weights", _image_classifier("cnn"))
_CLIP = Family("CLIP", "clip", "clip.hf_weights", _contrastive)
_TIMM_VIT = Family("timm ViT", "vit", "vit.hf_weights", _image_classifier("transformer"), "timm")
_TORCHVISION_RESNET = Family(
    "torchvision ResNet", "resnet", "resnet.hf_weights", _image_classifier("cnn"), "torchvision"
)
_SEGFORMER = Family("SegFormer", "segformer", "segformer.hf_weights", _segmenter)
_WHISPER = Family(
    "Whisper", "speech_encoder_decoder", "speech_encoder_decoder.hf_weights", _speech_recognizer
)

# The Hugging Face class a config.json's `architectures` names -> its family.
BY_CLASS: dict[str, Family] = {
    "GPT2LMHeadModel": _GPT2,
    "GPT2Model": _GPT2,
    "LlamaForCausalLM": _LLAMA,
    "MistralForCausalLM": _MISTRAL,
    "Qwen2ForCausalLM": _QWEN2,
    "BertForMaskedLM": _BERT_MLM,
    "BertForPreTraining": _BERT_MLM,
    "BertForSequenceClassification": _BERT_CLASSIFIER,
    "BertModel": _BERT_CLASSIFIER,
    "ViTForImageClassification": _VIT,
    "ResNetForImageClassification": _RESNET,
    "CLIPModel": _CLIP,
    "WhisperForConditionalGeneration": _WHISPER,
    "SegformerForSemanticSegmentation": _SEGFORMER,
}
# A config.json without `architectures`: its model_type's usual class.
BY_MODEL_TYPE: dict[str, Family] = {
    "gpt2": _GPT2,
    "llama": _LLAMA,
    "mistral": _MISTRAL,
    "qwen2": _QWEN2,
    "bert": _BERT_MLM,
    "vit": _VIT,
    "resnet": _RESNET,
    "clip": _CLIP,
    "whisper": _WHISPER,
    "segformer": _SEGFORMER,
}


def family_of_file(tensors: dict[str, Any]) -> Family:
    """The family of a single weights file, by its tensor names: a torchvision ResNet or a
    timm ViT."""
    if "conv1.weight" in tensors and "layer1.0.conv1.weight" in tensors:
        return _TORCHVISION_RESNET
    if "patch_embed.proj.weight" in tensors and "blocks.0.attn.qkv.weight" in tensors:
        return _TIMM_VIT
    raise ValueError(
        "a single weights file with no config.json is read as a torchvision ResNet "
        "(conv1.weight, layer1.0...) or a timm ViT (patch_embed..., blocks.0.attn.qkv...) "
        "state_dict, and this one is neither. For other models pass the Hugging Face "
        "checkpoint folder, with its config.json."
    )


def family_of(hf_config: dict[str, Any]) -> Family:
    """The family of a Hugging Face config.json; a ValueError lists what MetaGen reads."""
    classes = hf_config.get("architectures") or []
    for name in classes if isinstance(classes, list) else []:
        if name in BY_CLASS:
            return BY_CLASS[name]
    model_type = hf_config.get("model_type")
    if not classes and model_type in BY_MODEL_TYPE:
        return BY_MODEL_TYPE[model_type]
    found = f"architectures {classes}" if classes else f"model_type {model_type!r}"
    raise ValueError(
        f"the config.json names {found}, which MetaGen cannot import. It reads "
        f"{', '.join(sorted(BY_CLASS))}."
    )
