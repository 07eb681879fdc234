"""Speech recognition: audio clips in, transcripts out. A Whisper-style encoder-decoder by
default (or with training.objective [autoregressive]), trained with cross-entropy under
teacher forcing and decoded greedily with a KV cache; or, with training.objective [ctc], the
same encoder with a linear CTC head, decoded by best path. Scored by WER and CER beside the
empty transcript and a constant one."""

from __future__ import annotations

import shutil
from typing import Any

from metagen.blueprint.catalog import get_variant
from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.audio_clip import audio_setup
from metagen.handlers.modalities.text import BYTE_TOKENIZER_VOCAB
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task

# training.objective -> (arch, runtime task)
SPEECH_MODELS = {
    "autoregressive": ("speech_encoder_decoder", "speech_recognition"),
    "ctc": ("speech_ctc", "speech_recognition_ctc"),
}
DEFAULT_CLIP_SECONDS = 30.0  # Whisper's window
DEFAULT_TEXT_CTX = 448  # Whisper's text positions: start token, transcript, end token
# The synthetic clips say up to two words per second of audio (the spoken words last 0.3 to
# 0.7 s); words that do not fit are left out of both the clip and its transcript.
SYNTHETIC_WORDS_PER_SECOND = 2
FRONTEND_DIMS = ("sample_rate", "n_fft", "hop_length", "n_mels", "mel_scale", "clip_samples")
# Whisper's filterbank: Slaney's mel scale and area normalisation (librosa's default), so that
# the log-mel equals Whisper's feature extractor's and published weights read what they expect.
SPEECH_MEL_SCALE = "slaney"
MEL_SCALE_NAMES = {
    "slaney": "Slaney-scale mel bins with Slaney area normalisation, as Whisper's",
    "htk": "HTK-scale mel bins",
}
SPEECH_METRICS = [
    "loss",
    "wer",
    "cer",
    "exact_match",
    "empty_transcript_wer",
    "empty_transcript_cer",
    "constant_transcript_wer",
    "constant_transcript_cer",
]
ENCODER_COMPONENTS = [
    (
        "stem",
        "Audio encoder stem: two 1-D convs over frames with GELU (the second with "
        "stride 2) and fixed sinusoidal positions (a frozen parameter, as in Whisper)",
    ),
    (
        "encoder_blocks",
        "Encoder: pre-norm transformer layers, bidirectional attention across "
        "time (no bias on the key projection, as in Whisper)",
    ),
    ("encoder_norm", "LayerNorm on the encoder's output"),
]
DECODER_COMPONENTS = [
    (
        "token_embedding",
        "Decoder input: byte-token embeddings (the start token, then the transcript so far)",
    ),
    ("position_embedding", "Learned decoder positions"),
    (
        "blocks",
        "Decoder: pre-norm layers of causal self-attention (KV cache), "
        "cross-attention to the encoder states and a GELU MLP",
    ),
    ("final_norm", "LayerNorm before the output"),
    ("lm_head", "Output: next-token logits, tied to the token embedding"),
]
CTC_COMPONENTS = [
    (
        "ctc_head",
        "Output: per-position logits over the byte tokens and the CTC blank (the "
        "last id); greedy best-path decoding merges repeats and drops blanks",
    ),
]


def speech_objective(spec) -> str:
    """autoregressive (the encoder-decoder, the default) or ctc."""
    objectives = list(spec.training.objective) if spec.training else []
    other = [o for o in objectives if o not in SPEECH_MODELS]
    if other:
        raise PlanError(
            f"training.objective '{other[0]}' does not fit speech recognition. Use "
            "autoregressive (a Whisper-style encoder-decoder, the default) or ctc (an encoder "
            "with a CTC head)."
        )
    if len(objectives) > 1:
        raise PlanError(
            f"training.objective lists {' and '.join(objectives)}; a speech recognizer trains "
            "with one of them. Keep autoregressive (encoder-decoder) or ctc."
        )
    return objectives[0] if objectives else "autoregressive"


def _check_spec(spec, blueprint: Blueprint) -> None:
    if "text" not in spec.modality.outputs:
        raise PlanError(
            f"task.type speech_recognition writes transcripts, but modality.outputs is "
            f"{list(spec.modality.outputs)}. Set modality.outputs to [text]."
        )
    if blueprint.family != "transformer":
        raise PlanError(
            f"architecture.family '{blueprint.family}' cannot recognize speech here; "
            "speech_recognition builds a transformer (Whisper-style). Set the family to "
            "transformer or leave it out."
        )


def _frontend(spec, blueprint: Blueprint, variant) -> tuple[dict[str, Any], float]:
    """The log-mel frontend dims and the clip length in seconds: a speech variant's own, else
    the spec's modality.audio (a 30 s window where it names none)."""
    if variant is not None:
        dims = {key: variant.dims[key] for key in FRONTEND_DIMS}
        seconds = dims["clip_samples"] / dims["sample_rate"]
        audio = spec.modality.audio
        asked = (
            {}
            if audio is None
            else {
                "sample_rate": audio.sample_rate,
                "n_mels": audio.n_mels,
                "hop_length": audio.hop_length,
                "clip_seconds": audio.clip_seconds or seconds,
            }
        )
        fixed = {
            **{k: dims[k] for k in ("sample_rate", "n_mels", "hop_length")},
            "clip_seconds": seconds,
        }
        differ = [f"{k} {asked[k]:g} (not {fixed[k]:g})" for k in asked if asked[k] != fixed[k]]
        if differ:
            blueprint.decisions.append(
                f"{variant.name} fixes its frontend; modality.audio's "
                + ", ".join(differ)
                + " is not used."
            )
        return dims, seconds
    setup = audio_setup(spec.modality.audio)
    seconds = DEFAULT_CLIP_SECONDS if setup.chosen_clip else setup.clip_seconds
    if setup.chosen_clip:
        blueprint.decisions.append(
            f"No modality.audio.clip_seconds; a clip is {seconds:g} s, Whisper's window "
            "(shorter clips are zero-padded to it)."
        )
    dims = {
        "sample_rate": setup.sample_rate,
        "n_fft": setup.n_fft,
        "hop_length": setup.hop_length,
        "n_mels": setup.n_mels,
        "mel_scale": SPEECH_MEL_SCALE,
        "clip_samples": round(seconds * setup.sample_rate),
    }
    return dims, seconds


def _vocab_size(spec) -> int:
    text = spec.modality.text
    if text is None or text.vocab_size is None:
        return BYTE_TOKENIZER_VOCAB
    if text.vocab_size < BYTE_TOKENIZER_VOCAB:
        raise PlanError(
            f"modality.text.vocab_size ({text.vocab_size}) is smaller than the byte tokenizer's "
            f"{BYTE_TOKENIZER_VOCAB} ids (256 bytes + bos, eos, pad) that transcripts use. Set "
            f"it to at least {BYTE_TOKENIZER_VOCAB}, or leave it out."
        )
    return text.vocab_size


def synthetic_speech_note(max_words: int) -> str:
    """What the built-in data will be, as far as this machine can tell."""
    espeak = shutil.which("espeak-ng")
    if espeak:
        return (
            f"Synthetic data: espeak-ng ({espeak}) speaks 1 to {max_words} words (as many as "
            "fit the clip) from a vocabulary of 18 (digits and commands) in 4 voices x 3 "
            "speeds, cached as .wav; each word speed perturbed, with pauses, gain and noise. "
            "data_info.json records the source used."
        )
    return (
        "espeak-ng is not installed here, so the synthetic data is the FALLBACK: tone "
        "sequences whose transcripts name the notes (a3 e4 ...), not speech. Install espeak-ng "
        "(apt-get install espeak-ng) for spoken words; data_info.json records the source used."
    )


def _fix_ctc(blueprint: Blueprint, frontend: dict[str, Any]) -> list[tuple[str, str]]:
    blueprint.data["hop_length"] = frontend["hop_length"]  # sizes CTC's positions
    blueprint.decisions.append(
        "training.objective ctc: the encoder with a linear CTC head (blank = the last id, the "
        "byte tokenizer's pad with its 259 ids), trained with CTC loss over every encoder "
        "position; no decoder."
    )
    return CTC_COMPONENTS


def _fix_decoder(blueprint: Blueprint, variant) -> list[tuple[str, str]]:
    context = blueprint.context_length or DEFAULT_TEXT_CTX
    if variant is not None:  # the variant fixes its text positions too
        context = variant.dims["n_text_ctx"]
    elif blueprint.context_length is None:
        blueprint.decisions.append(
            f"No constraints.context_window; the decoder holds {context} byte tokens "
            "(Whisper's 448 text positions)."
        )
    blueprint.context_length = context
    blueprint.fixed_dims.update(n_text_ctx=context, bos_id=256, eos_id=257)
    blueprint.data["seq_len"] = context
    blueprint.decisions.append(
        "Encoder-decoder (Whisper): cross-entropy on the transcript's byte tokens and the end "
        "token under teacher forcing; greedy decoding with a KV cache."
    )
    return DECODER_COMPONENTS


@register_task("speech_recognition")
class SpeechRecognitionTaskHandler(TaskHandler):
    name = "speech_recognition"
    supported_modalities = ("audio",)
    output_type = "text"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        _check_spec(spec, blueprint)
        objective = speech_objective(spec)
        arch, task = SPEECH_MODELS[objective]
        variant = get_variant(blueprint.variant) if blueprint.variant else None
        variant = variant if variant is not None and variant.arch == arch else None
        frontend, seconds = _frontend(spec, blueprint, variant)
        blueprint.arch, blueprint.task = arch, task
        blueprint.fixed_dims.update(
            frontend, vocab_size=_vocab_size(spec), norm_eps=1e-5, dropout=0.0
        )
        max_words = max(1, int(SYNTHETIC_WORDS_PER_SECOND * seconds))
        blueprint.data.update(
            kind="audio",
            sample_rate=frontend["sample_rate"],
            clip_samples=frontend["clip_samples"],
            max_words=max_words,
            speech_synth="auto",
        )
        components = [("frontend", _frontend_role(frontend, seconds)), *ENCODER_COMPONENTS]
        if objective == "ctc":
            components += _fix_ctc(blueprint, frontend)
        else:
            components += _fix_decoder(blueprint, variant)
        blueprint.components = components
        blueprint.decisions.append(synthetic_speech_note(max_words))
        blueprint.loss = task
        blueprint.metrics = list(SPEECH_METRICS)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        head = "ctc_head" if blueprint.arch == "speech_ctc" else "tied_text_decoder"
        return {"type": head, "vocab_size": blueprint.fixed_dims["vocab_size"]}

    def get_loss_function(self, spec) -> str:
        return SPEECH_MODELS[speech_objective(spec)][1]

    def get_metrics(self, spec) -> list[str]:
        return list(SPEECH_METRICS)


def _frontend_role(frontend: dict[str, Any], seconds: float) -> str:
    return (
        f"Input: log-mel spectrogram of up to {seconds:g} s at {frontend['sample_rate']} Hz "
        f"(Hann STFT n_fft {frontend['n_fft']}, hop {frontend['hop_length']}, one frame per "
        f"hop; {frontend['n_mels']} {MEL_SCALE_NAMES[frontend['mel_scale']]}; Whisper's log10 "
        "scaling); no parameters"
    )
