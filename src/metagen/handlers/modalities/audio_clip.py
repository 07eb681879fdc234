"""The log-mel frontend and clip length an audio spec asks for, shared by the audio modality
handler and the speech recognition task handler (which imports no modality handler)."""

from __future__ import annotations

from dataclasses import dataclass

from metagen.blueprint.model import PlanError
from metagen.spec.modality import AudioParams

# The STFT window spans four hops (75% overlap), as librosa's defaults (2048 / 512) do.
N_FFT_PER_HOP = 4
DEFAULT_CLIP_SECONDS = 1.0


@dataclass(frozen=True)
class AudioSetup:
    sample_rate: int
    n_mels: int
    hop_length: int
    n_fft: int
    clip_samples: int
    clip_seconds: float
    chosen_clip: bool  # the spec gave no clip_seconds


def audio_setup(audio: AudioParams | None) -> AudioSetup:
    audio = audio or AudioParams()
    seconds = audio.clip_seconds or DEFAULT_CLIP_SECONDS
    n_fft = N_FFT_PER_HOP * audio.hop_length
    clip = round(seconds * audio.sample_rate)
    if clip < n_fft:
        raise PlanError(
            f"modality.audio.clip_seconds ({seconds}) gives {clip} samples, fewer than one STFT "
            f"window ({n_fft} samples = 4 x hop_length {audio.hop_length}). Raise clip_seconds "
            f"to at least {n_fft / audio.sample_rate:.3f} or lower hop_length."
        )
    return AudioSetup(
        audio.sample_rate,
        audio.n_mels,
        audio.hop_length,
        n_fft,
        clip,
        seconds,
        audio.clip_seconds is None,
    )
