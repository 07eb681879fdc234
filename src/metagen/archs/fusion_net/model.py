"""The fusion guide's multi-modal network (spec fusion section), small: each input modality's
preprocessor (preprocessors.py) turns it into tokens, its own encoder
(nn/modality_encoder.py: transformer, CfC, LIF or LIF into CfC) encodes them, a fusion
strategy (nn/modality_fusion.py) combines the modalities into one vector, and a linear head
reads it. Early fusion skips the per-modality encoders: its joint encoder reads every token.

forward(image=..., text=..., audio=..., sensor=..., tabular=..., video=..., present=None)
takes the configured modalities by name: image (B, C, H, W) floats, text (B, L) byte ids (256
pads), audio (B, samples), sensor (B, channels, steps), tabular (B, features), video (B, C, T,
H, W) floats. A modality left out
(None) or marked absent in present (B, M) bool (in `modalities` order) is masked out of the
fusion, never read. Gives the logits (B, num_outputs); forward_details also gives each
modality's pooled features, the attention maps, the modality weights and the spike rate."""

from dataclasses import dataclass, field

import torch
from torch import nn

from metagen.archs.fusion_net.preprocessors import (
    TEXT_PAD,
    AudioTokens,
    ImageTokens,
    SensorTokens,
    TabularTokens,
    TextTokens,
    VideoTokens,
)
from metagen.nn.checks import check_choice, check_divisible, check_positive
from metagen.nn.modality_encoder import ENCODER_KINDS, ModalityEncoder
from metagen.nn.modality_fusion import STRATEGIES, ModalityFusion

MODALITIES = ("image", "text", "audio", "sensor", "tabular", "video")
TIME_MODALITIES = ("audio", "sensor", "video")  # the inputs with a time axis that align resamples


@dataclass
class FusionNetConfig:
    modalities: list[str] = field(default_factory=lambda: ["image", "text"])
    num_outputs: int = 4
    strategy: str = "hybrid"
    encoder: str = "transformer"
    d_model: int = 64  # the fusion width: every modality's tokens
    n_layers: int = 2  # each modality encoder's layers (early: the joint encoder's)
    n_heads: int = 4
    d_ff: int = 256
    modality_weights: str | list[float] = "learnable"  # or fixed, or a weight per modality
    modality_dropout: float = 0.0
    num_spike_steps: int = 8
    beta: float = 0.9
    threshold: float = 1.0
    vision: str = "simple"
    image_size: int = 32
    image_channels: int = 3
    text_len: int = 32
    audio_sample_rate: int = 8000
    audio_samples: int = 2048
    n_mels: int = 32
    sensor_channels: int = 6
    sensor_steps: int = 64
    num_features: int = 8
    video_channels: int = 3
    video_frames: int = 8
    video_height: int = 16
    video_width: int = 16
    # spec fusion.align resample: the time-based inputs' tokens (audio, sensor) are resampled
    # to this many steps, so that their tokens stand for the same moments; None keeps their own
    align_steps: int | None = None

    def __post_init__(self) -> None:
        for name in self.modalities:
            check_choice("modality", name, MODALITIES)
        if len(set(self.modalities)) != len(self.modalities) or len(self.modalities) < 2:
            raise ValueError(f"modalities must be two or more distinct, got {self.modalities}")
        check_choice("strategy", self.strategy, STRATEGIES)
        check_choice("encoder", self.encoder, ENCODER_KINDS)
        check_positive(num_outputs=self.num_outputs, d_model=self.d_model,
                       n_layers=self.n_layers, n_heads=self.n_heads)  # fmt: skip
        if self.align_steps is not None and self.align_steps < 2:
            raise ValueError(
                f"align_steps must be None (no alignment) or at least 2, got {self.align_steps}"
            )
        check_divisible("d_model", self.d_model, "n_heads", self.n_heads)
        if isinstance(self.modality_weights, list) and len(self.modality_weights) != len(
            self.modalities
        ):
            raise ValueError("modality_weights needs one weight per modality")

    def input_shape(self, name: str) -> tuple[int, ...]:
        """One sample of a modality's input, as forward takes it (without the batch)."""
        return {
            "image": (self.image_channels, self.image_size, self.image_size),
            "text": (self.text_len,),
            "audio": (self.audio_samples,),
            "sensor": (self.sensor_channels, self.sensor_steps),
            "tabular": (self.num_features,),
            "video": (self.video_channels, self.video_frames, self.video_height,
                      self.video_width),
        }[name]  # fmt: skip

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        def draw(name: str) -> torch.Tensor:
            shape = (batch_size, *self.input_shape(name))
            if name == "text":
                return torch.randint(0, TEXT_PAD, shape, generator=generator)
            if name in ("image", "video"):
                return torch.rand(shape, generator=generator)
            scale = 0.1 if name == "audio" else 1.0  # a waveform's level
            return torch.randn(shape, generator=generator) * scale

        return {name: draw(name) for name in self.modalities}


def resample_steps(tokens: torch.Tensor, steps: int) -> torch.Tensor:
    """(B, T, d) -> (B, steps, d), linear interpolation along time."""
    moved = nn.functional.interpolate(tokens.transpose(1, 2), size=steps, mode="linear")
    return moved.transpose(1, 2)


def preprocessor(name: str, c: FusionNetConfig) -> nn.Module:
    d = c.d_model
    if name == "image":
        return ImageTokens(c.vision, c.image_channels, c.image_size, d)
    if name == "text":
        return TextTokens(c.text_len, d)
    if name == "audio":
        return AudioTokens(c.audio_sample_rate, c.n_mels, c.audio_samples, d)
    if name == "sensor":
        return SensorTokens(c.sensor_channels, c.sensor_steps, d)
    if name == "video":
        return VideoTokens(c.video_channels, c.video_frames, d)
    return TabularTokens(c.num_features, d)


class FusionNet(nn.Module):
    def __init__(self, config: FusionNetConfig) -> None:
        super().__init__()
        self.config = c = config
        self.preprocess = nn.ModuleDict({m: preprocessor(m, c) for m in c.modalities})
        if c.strategy != "early":
            self.encoders = nn.ModuleDict({
                m: ModalityEncoder(c.encoder, c.d_model, c.n_layers, n_heads=c.n_heads,
                                   d_ff=c.d_ff, num_spike_steps=c.num_spike_steps,
                                   beta=c.beta, threshold=c.threshold)
                for m in c.modalities
            })  # fmt: skip
        weights: str | dict[str, float] = (
            dict(zip(c.modalities, c.modality_weights, strict=True))
            if isinstance(c.modality_weights, list)
            else c.modality_weights
        )
        self.fusion = ModalityFusion(c.strategy, c.modalities, c.d_model, c.n_heads,
                                     weights=weights, modality_dropout=c.modality_dropout,
                                     joint_layers=c.n_layers)  # fmt: skip
        self.head = nn.Sequential(nn.LayerNorm(c.d_model), nn.Linear(c.d_model, c.num_outputs))

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def encode(self, inputs: dict, present: torch.Tensor | None = None):
        """Each modality's tokens and padding after its preprocessor and encoder, the (B, M)
        mask of modalities present, and the spike rate; a modality not given gets masked
        stand-in tokens (zeros that the fusion never reads)."""
        c = self.config
        given = next((x for x in inputs.values() if x is not None), None)
        if given is None:
            raise ValueError(f"give at least one of {', '.join(c.modalities)}")
        batch, device = given.shape[0], given.device
        mask = torch.ones(batch, len(c.modalities), dtype=torch.bool, device=device)
        if present is not None:
            mask = mask & present.to(device=device, dtype=torch.bool)
        tokens, padding, rates = {}, {}, []
        for m, name in enumerate(c.modalities):
            x = inputs.get(name)
            if x is None:  # a stand-in that the fusion masks
                dtype = torch.long if name == "text" else torch.float32
                x = torch.zeros(batch, *c.input_shape(name), dtype=dtype, device=device)
                mask[:, m] = False
            tokens[name], padding[name] = self.preprocess[name](x)
            if c.align_steps and name in TIME_MODALITIES:
                tokens[name] = resample_steps(tokens[name], c.align_steps)
            if c.strategy != "early":
                tokens[name], rate = self.encoders[name](tokens[name], padding[name])
                if rate is not None and inputs.get(name) is not None:  # not a stand-in's
                    rates.append(rate)
        spike_rate = torch.stack(rates).mean() if rates else None
        return tokens, padding, mask, spike_rate

    def forward_features(
        self,
        image: torch.Tensor | None = None,
        text: torch.Tensor | None = None,
        audio: torch.Tensor | None = None,
        sensor: torch.Tensor | None = None,
        tabular: torch.Tensor | None = None,
        video: torch.Tensor | None = None,
        present: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The fused vector (B, d_model). Named inputs rather than **inputs, so that export
        traces them."""
        inputs = {"image": image, "text": text, "audio": audio, "sensor": sensor,
                  "tabular": tabular, "video": video}  # fmt: skip
        tokens, padding, mask, _ = self.encode(inputs, present)
        return self.fusion(tokens, padding, mask)

    def forward_head(self, fused: torch.Tensor) -> torch.Tensor:
        return self.head(fused)

    def forward_each_removed(
        self, present: torch.Tensor | None = None, **inputs
    ) -> dict[str, torch.Tensor]:
        """The outputs with each modality removed in turn (beside those `present` marks
        absent), keyed by its name: the inputs are preprocessed and encoded once (each
        modality's encoder reads it alone), then fused once per removal. A sample left with
        no modality has no output: its row is NaN."""
        tokens, padding, mask, _ = self.encode(inputs, present)
        outputs = {}
        for m, name in enumerate(self.config.modalities):
            without = mask.clone()
            without[:, m] = False
            rows = without.any(1)
            if bool(rows.all()):
                outputs[name] = self.head(self.fusion(tokens, padding, without))
                continue
            kept = {k: v[rows] for k, v in tokens.items()}
            kept_padding = {k: v[rows] if v is not None else None for k, v in padding.items()}
            fused = self.head(self.fusion(kept, kept_padding, without[rows]))
            outputs[name] = fused.new_full((len(rows), fused.shape[1]), float("nan"))
            outputs[name][rows] = fused
        return outputs

    def forward_details(self, present: torch.Tensor | None = None, **inputs):
        """The logits, and the fusion's details with the spike rate (None without spiking
        layers)."""
        tokens, padding, mask, spike_rate = self.encode(inputs, present)
        fused, details = self.fusion(tokens, padding, mask, details=True)
        return self.head(fused), {**details, "spike_rate": spike_rate}

    def forward(
        self,
        image: torch.Tensor | None = None,
        text: torch.Tensor | None = None,
        audio: torch.Tensor | None = None,
        sensor: torch.Tensor | None = None,
        tabular: torch.Tensor | None = None,
        video: torch.Tensor | None = None,
        present: torch.Tensor | None = None,
    ) -> torch.Tensor:
        return self.forward_head(
            self.forward_features(image, text, audio, sensor, tabular, video, present)
        )
