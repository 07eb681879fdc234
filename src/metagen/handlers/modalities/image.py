"""Image: a Vision Transformer (family transformer) or a ResNet (family cnn)."""

from __future__ import annotations

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import Component, ModalityHandler
from metagen.handlers.modalities.registry import register_modality

DEFAULT_IMAGE_SIZE = 224
DEFAULT_PATCH_SIZE = 16
# Below this side, a ResNet uses the 3x3 stride-1 stem (CIFAR) instead of 7x7 + max-pool.
SMALL_IMAGE = 128

_ARCH_BY_FAMILY = {"transformer": "vit", "cnn": "resnet"}

_COMPONENTS = {
    "vit": [
        Component("patch_embedding", "Encoder input: conv patch embedding, class token, positions"),
        Component("blocks", "Encoder: pre-norm transformer layers with multi-head attention"),
        Component("final_norm", "LayerNorm on the pooled token"),
        Component("head", "Classification head"),
    ],
    "resnet": [
        Component("stem", "Convolutional stem"),
        Component("stage1", "Residual stage 1"),
        Component("stage2", "Residual stage 2 (stride 2)"),
        Component("stage3", "Residual stage 3 (stride 2)"),
        Component("stage4", "Residual stage 4 (stride 2)"),
        Component("head", "Global average pool and classification head"),
    ],
}


@register_modality
class ImageModalityHandler(ModalityHandler):
    name = "ImageModalityHandler"
    modality = "image"
    families = ("transformer", "cnn")

    def _image_params(self) -> tuple[int, int, int]:
        image = self.spec.modality.image
        size = (image.effective_image_size if image else None) or DEFAULT_IMAGE_SIZE
        patch = (image.patch_size if image else None) or DEFAULT_PATCH_SIZE
        channels = image.channels if image else 3
        return size, patch, channels

    def augment_blueprint(self, blueprint: Blueprint) -> Blueprint:
        size, patch, channels = self._image_params()
        arch = _ARCH_BY_FAMILY[self.family]
        blueprint.arch = arch
        blueprint.fixed_dims.update(in_channels=channels, image_size=size)
        if arch == "vit":
            if size % patch:
                raise PlanError(
                    f"modality.image.patch_size ({patch}) must divide the image size ({size}). "
                    "Pick a patch size of 14, 16 or 32 that divides it."
                )
            blueprint.fixed_dims.update(patch_size=patch, pool="cls", norm_eps=1e-6, dropout=0.0)
        else:
            blueprint.fixed_dims["stem"] = "imagenet" if size >= SMALL_IMAGE else "cifar"
        blueprint.data.update(kind="image", image_size=size, channels=channels)
        blueprint.components = [(c.name, c.role) for c in self.generate_components()]
        return blueprint

    def generate_components(self) -> list[Component]:
        return list(_COMPONENTS[_ARCH_BY_FAMILY[self.family]])
