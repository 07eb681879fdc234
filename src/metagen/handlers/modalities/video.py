"""Video: a divided space-time transformer (family transformer, TimeSformer) or a 3D ResNet
(family cnn, R3D) that classifies clips, or a space-time transformer denoiser trained by DDPM
that generates them, conditioned on text (family diffusion)."""

from __future__ import annotations

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import Component, ModalityHandler
from metagen.handlers.modalities.registry import register_modality
from metagen.handlers.tasks.registry import resolve_task_type
from metagen.spec.modality import VideoParams

DEFAULT_PATCH_SIZE = 16
# From this many frames (an even count), the transformer embeds 2-frame tubelets (VideoMAE,
# ViViT); shorter clips get 1-frame patches (TimeSformer).
LONG_CLIP = 16
# Below this side, the 3D ResNet uses a 3x3x3 stride-1 stem instead of 3x7x7 with stride 2.
SMALL_FRAME = 64
# The built-in moving-shapes clips draw at most this many (shape, direction) classes.
SYNTHETIC_MOTION_CLASSES = 48
# Diffusion: DDPM over 1000 steps; captions as byte tokens (256 bytes, bos, eos, pad) in CLIP's
# 77-token window; the cosine schedule at 64 px and below (Nichol & Dhariwal 2021).
DIFFUSION_TIMESTEPS = 1000
CAPTION_VOCAB = 259
CAPTION_LENGTH = 77
COSINE_SCHEDULE_MAX_SIDE = 64
DENOISER_PATCHES = (16, 8, 4, 2)

_ARCH_BY_FAMILY = {
    "transformer": "video_transformer",
    "cnn": "video_cnn",
    "diffusion": "video_diffusion",
}

_COMPONENTS = {
    "video_transformer": [
        Component(
            "patch_embedding",
            "Spatial: Conv3d tubelet embedding (t x p x p) and a "
            "learned position per patch of a frame",
        ),
        Component("temporal_embedding", "Temporal: a learned position per frame (tubelet)"),
        Component(
            "blocks",
            "Divided space-time attention: per block, temporal attention "
            "across frames at each patch, then spatial attention within each frame, "
            "then an MLP",
        ),
        Component("final_norm", "LayerNorm on every token"),
        Component("head", "Mean over space and time, then the classification head"),
    ],
    "video_cnn": [
        Component(
            "stem",
            "Spatiotemporal stem: 3D conv over 3 frames (3x7x7, stride 2 in "
            "space, 1 in time; 3x3x3 for small frames)",
        ),
        Component("stage1", "3D residual stage 1: 3x3x3 convs over time and space"),
        Component("stage2", "3D residual stage 2: halves frames, height and width"),
        Component("stage3", "3D residual stage 3: halves frames, height and width"),
        Component("stage4", "3D residual stage 4: halves frames, height and width"),
        Component("head", "Global average pool over time and space, classification head"),
    ],
}


def _denoiser_components(text: bool) -> list[Component]:
    cross = ", cross-attention to the caption" if text else ""
    parts = [Component("time_embedding", "Timestep: sinusoidal features and an MLP (DiT)")]
    if text:
        parts.append(
            Component(
                "caption_encoder",
                "Text encoder: transformer over the caption's "
                "byte tokens; its first token, projected, joins the timestep",
            )
        )
    return parts + [
        Component(
            "patch_embedding",
            "Spatial: Conv3d tubelet embedding of the noisy clip and "
            "a learned position per patch of a frame",
        ),
        Component("temporal_embedding", "Temporal: a learned position per frame (tubelet)"),
        Component(
            "blocks",
            "Space-time denoiser blocks: the timestep added to every token, "
            f"temporal attention across frames, spatial attention within frames{cross}, "
            "MLP",
        ),
        Component("final_norm", "LayerNorm on every token"),
        Component("head", "Linear back to tubelet pixels, unpatchified into the predicted noise"),
    ]


@register_modality
class VideoModalityHandler(ModalityHandler):
    name = "VideoModalityHandler"
    modality = "video"
    families = ("transformer", "cnn", "diffusion")

    def __init__(self, spec) -> None:
        super().__init__(spec)
        objectives = spec.training.objective if spec.training else []
        generates = "video" in spec.modality.outputs
        if self.family != "diffusion":
            if generates or "diffusion" in objectives:
                raise PlanError(
                    f"Generating video needs architecture.family diffusion; family "
                    f"'{self.family}' classifies clips. Set the family to diffusion, or set "
                    "modality.outputs to [label] with task.type classification."
                )
            return
        task = resolve_task_type(spec)
        if task != "generation" or not generates:
            raise PlanError(
                f"architecture.family 'diffusion' generates video: it needs video among "
                f"modality.outputs and task.type generation (got task '{task}', outputs "
                f"{spec.modality.outputs}). Use family transformer or cnn to classify clips."
            )
        other = [o for o in objectives if o != "diffusion"]
        if other:
            raise PlanError(
                f"architecture.family 'diffusion' trains with the diffusion objective; "
                f"training.objective also lists {', '.join(other)}. Keep only diffusion."
            )

    def _video_params(self) -> tuple[int, list[int], int]:
        video = self.spec.modality.video or VideoParams()
        return video.num_frames, list(video.resolution), 3

    def _frame_rate(self) -> int:
        return (self.spec.modality.video or VideoParams()).frame_rate

    def augment_blueprint(self, blueprint: Blueprint) -> Blueprint:
        frames, resolution, channels = self._video_params()
        arch = _ARCH_BY_FAMILY[self.family]
        blueprint.arch = arch
        blueprint.fixed_dims.update(in_channels=channels, num_frames=frames, resolution=resolution)
        if arch == "video_diffusion":
            return self._augment_diffusion(blueprint, frames, resolution, channels)
        if arch == "video_transformer":
            self._fix_transformer(blueprint, frames, resolution)
        else:
            small = min(resolution) < SMALL_FRAME
            blueprint.fixed_dims["stem"] = "small" if small else "kinetics"
        blueprint.data.update(
            kind="video",
            num_frames=frames,
            resolution=resolution,
            channels=channels,
            synthetic_classes=SYNTHETIC_MOTION_CLASSES,
        )
        blueprint.components = [(c.name, c.role) for c in self.generate_components()]
        return blueprint

    def _fix_tokens(
        self,
        blueprint: Blueprint,
        frames: int,
        resolution: list[int],
        patch: int = DEFAULT_PATCH_SIZE,
    ) -> None:
        """Tubelet and patch size of a space-time transformer (classifier or denoiser)."""
        if any(side % patch for side in resolution):
            raise PlanError(
                f"modality.video.resolution {resolution[0]}x{resolution[1]} is not a multiple "
                f"of the {patch}-pixel patch of the space-time transformer. Use a resolution "
                "such as 224x224 or 256x256"
                + (", or family cnn." if self.family != "diffusion" else ".")
            )
        tubelet = 2 if frames >= LONG_CLIP and frames % 2 == 0 else 1
        if tubelet > 1:
            blueprint.decisions.append(
                f"{frames} frames: 2-frame tubelets (as VideoMAE for 16 frames) halve the tokens "
                "per clip and let the embedding see motion."
            )
        blueprint.fixed_dims.update(
            tubelet_size=tubelet, patch_size=patch, norm_eps=1e-6, dropout=0.0
        )

    def _fix_transformer(self, blueprint: Blueprint, frames: int, resolution: list[int]) -> None:
        self._fix_tokens(blueprint, frames, resolution)

    def _augment_diffusion(
        self, bp: Blueprint, frames: int, resolution: list[int], channels: int
    ) -> Blueprint:
        text = "text" in self.spec.modality.inputs
        if frames < 2:
            raise PlanError(
                f"modality.video.num_frames ({frames}) must be at least 2 to generate motion."
            )
        # The largest patch that leaves a grid of at least 8x8 (16 px at 256, 4 px at 32).
        fits = [p for p in DENOISER_PATCHES if all(s % p == 0 and s // p >= 8 for s in resolution)]
        self._fix_tokens(bp, frames, resolution, fits[0] if fits else DEFAULT_PATCH_SIZE)
        schedule = "cosine" if min(resolution) <= COSINE_SCHEDULE_MAX_SIDE else "linear"
        bp.task = "diffusion"
        bp.fixed_dims.update(
            text_conditioning=text, caption_vocab_size=CAPTION_VOCAB, caption_length=CAPTION_LENGTH
        )
        bp.data.update(
            kind="video",
            num_frames=frames,
            resolution=resolution,
            channels=channels,
            num_timesteps=DIFFUSION_TIMESTEPS,
            beta_schedule=schedule,
            text_conditioning=text,
            caption_length=CAPTION_LENGTH,
            frame_rate=self._frame_rate(),
        )
        height, width = resolution
        bp.decisions += [
            f"Pixel-space video diffusion: the denoiser predicts the noise of whole {frames}-"
            f"frame {height}x{width} clips (no VAE latent space; latent diffusion is not built). "
            "FLOPs per sample are one denoiser evaluation; DDIM sampling costs one per step "
            "(50 by default).",
            f"DDPM objective (epsilon prediction, MSE) over {DIFFUSION_TIMESTEPS} steps with the "
            f"{schedule} beta schedule.",
        ]
        if text:
            bp.decisions.append(
                f"Text conditioning: captions as byte tokens ({CAPTION_LENGTH} positions), a "
                "transformer caption encoder, cross-attention in every block."
            )
        bp.components = [(c.name, c.role) for c in _denoiser_components(text)]
        return bp

    def generate_components(self) -> list[Component]:
        if self.family == "diffusion":
            return _denoiser_components("text" in self.spec.modality.inputs)
        return list(_COMPONENTS[_ARCH_BY_FAMILY[self.family]])
