"""Audio: a log-mel transformer that classifies clips, or a spectrogram encoder with an
autoregressive decoder over mu-law samples that continues a prompt clip (family transformer)."""

from __future__ import annotations

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.audio_clip import DEFAULT_CLIP_SECONDS, audio_setup
from metagen.handlers.modalities.base import Component, ModalityHandler
from metagen.handlers.modalities.registry import register_modality
from metagen.handlers.planned import OBJECTIVES, not_built
from metagen.handlers.tasks.registry import resolve_task_type

MU_LAW_LEVELS = 256
DEFAULT_CONTEXT = 16384
# Longest training window of the decoder at full scale; the context still sizes the KV cache.
MAX_TRAIN_SEQ_LEN = 8192
LONG_CONTEXT = 8192  # from here RoPE uses Llama 3's larger base, as for text
LONG_CONTEXT_ROPE_THETA = 500_000.0
# The built-in tones draw at most this many (note, rhythm) classes (6 notes x 3 rhythms).
SYNTHETIC_TONE_CLASSES = 18
TEXT_TO_AUDIO = "text-conditioned audio generation (text-to-speech, text-to-music)"


@register_modality
class AudioModalityHandler(ModalityHandler):
    name = "AudioModalityHandler"
    modality = "audio"
    families = ("transformer",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        inputs, outputs = spec.modality.inputs, spec.modality.outputs
        if set(inputs) != {"audio"}:
            raise not_built(TEXT_TO_AUDIO, "modality.inputs", ", ".join(inputs))
        self.task_type = resolve_task_type(spec)
        self.generates = self.task_type == "generation"
        if self.generates and "audio" not in outputs:
            # Audio to text is speech recognition (tasks/speech_recognition/handler.py).
            raise PlanError(
                f"An audio model with task.type generation continues audio, but "
                f"modality.outputs is {list(outputs)}. Add audio to the outputs, or set "
                "task.type: classification for labels (text outputs are transcripts: "
                "speech_recognition)."
            )
        if self.generates:
            for objective in spec.training.objective if spec.training else []:
                if objective in OBJECTIVES:
                    raise not_built(OBJECTIVES[objective], "training.objective", objective)
                if objective != "autoregressive":
                    raise PlanError(
                        f"training.objective '{objective}' does not fit audio generation: the "
                        "audio decoder is trained autoregressively. Use [autoregressive]."
                    )
        self.setup = audio_setup(spec.modality.audio)

    def _frontend_dims(self) -> dict:
        s = self.setup
        return {
            "sample_rate": s.sample_rate,
            "n_fft": s.n_fft,
            "hop_length": s.hop_length,
            "n_mels": s.n_mels,
            "norm_eps": 1e-5,
            "dropout": 0.0,
        }

    def augment_blueprint(self, blueprint: Blueprint) -> Blueprint:
        s = self.setup
        if s.chosen_clip:
            what = "prompt clip" if self.generates else "clip"
            blueprint.decisions.append(
                f"No modality.audio.clip_seconds; a {what} is {DEFAULT_CLIP_SECONDS:g} s "
                f"({s.clip_samples} samples at {s.sample_rate} Hz)."
            )
        blueprint.fixed_dims.update(self._frontend_dims())
        if self.generates:
            self._fix_generator(blueprint)
        else:
            blueprint.arch = "audio_transformer"
            blueprint.fixed_dims["clip_samples"] = s.clip_samples
            blueprint.data.update(
                kind="audio",
                sample_rate=s.sample_rate,
                clip_samples=s.clip_samples,
                synthetic_classes=SYNTHETIC_TONE_CLASSES,
            )
        blueprint.components = [(c.name, c.role) for c in self.generate_components()]
        return blueprint

    def _fix_generator(self, blueprint: Blueprint) -> None:
        s = self.setup
        context = blueprint.context_length or DEFAULT_CONTEXT
        if blueprint.context_length is None:
            blueprint.decisions.append(
                f"No constraints.context_window; the decoder holds {DEFAULT_CONTEXT} samples."
            )
        blueprint.decisions.append(
            f"One mu-law token per sample: the {context}-token context holds "
            f"{context / s.sample_rate:.2f} s of audio at {s.sample_rate} Hz; longer "
            "generations slide the window."
        )
        blueprint.arch = "audio_lm"
        blueprint.task = "audio_generation"
        blueprint.context_length = context
        blueprint.fixed_dims.update(
            prompt_samples=s.clip_samples,
            n_levels=MU_LAW_LEVELS,
            context_length=context,
            rope_theta=LONG_CONTEXT_ROPE_THETA if context > LONG_CONTEXT else 10_000.0,
        )
        blueprint.data.update(
            kind="audio",
            sample_rate=s.sample_rate,
            prompt_samples=s.clip_samples,
            seq_len=min(context, MAX_TRAIN_SEQ_LEN),
        )

    def _frontend_role(self, what: str) -> str:
        s = self.setup
        return (
            f"{what}: log-mel spectrogram of {s.clip_seconds:g} s at {s.sample_rate} Hz "
            f"(Hann STFT n_fft {s.n_fft}, hop {s.hop_length}; {s.n_mels} HTK mel bins; "
            "log10); no parameters"
        )

    def generate_components(self) -> list[Component]:
        stem = (
            "Audio spectrogram encoder: two 1-D convs over frames (the second with "
            "stride 2) and a learned position per frame pair"
        )
        if not self.generates:
            return [
                Component("frontend", self._frontend_role("Input")),
                Component("stem", stem),
                Component(
                    "blocks",
                    "Backbone: transformer layers with temporal attention "
                    "(bidirectional, across the clip's frames)",
                ),
                Component("final_norm", "LayerNorm on every frame token"),
                Component("head", "Mean over time, then the classification head"),
            ]
        return [
            Component("frontend", self._frontend_role("Prompt input")),
            Component("stem", stem),
            Component(
                "encoder_blocks",
                "Backbone: transformer layers with temporal attention over the prompt's frames",
            ),
            Component("encoder_norm", "LayerNorm on the encoder's output"),
            Component(
                "token_embedding",
                f"Decoder input: embeddings of {MU_LAW_LEVELS} mu-law "
                "levels and a start token; positions by RoPE",
            ),
            Component(
                "blocks",
                "Decoder: autoregressive transformer layers, causal "
                "self-attention over past samples (KV cache) and cross-attention to "
                "the prompt encoding",
            ),
            Component("final_norm", "RMSNorm before the output"),
            Component(
                "lm_head",
                f"Output: the next sample's {MU_LAW_LEVELS} mu-law levels (8-bit mu-law audio)",
            ),
        ]
