"""Whisper's log-mel frontend: one frame per hop (the centred STFT's last dropped before the
log scaling, as Whisper and its Hugging Face feature extractor do)."""

import torch

from metagen.nn.audio_frontend import LogMelSpectrogram, check_audio_frontend, whisper_log_scale


def speech_frames(num_samples: int, hop_length: int) -> int:
    """Log-mel frames the encoder reads: 30 s at hop 160 -> 3000, as in Whisper."""
    return num_samples // hop_length


def speech_tokens(num_samples: int, hop_length: int) -> int:
    """Encoder positions after the stem's stride-2 conv (kernel 3, padding 1): 3000 -> 1500."""
    return (speech_frames(num_samples, hop_length) - 1) // 2 + 1


def check_speech_frontend(sample_rate: int, clip: int, n_fft: int, hop: int, n_mels: int) -> None:
    check_audio_frontend(sample_rate, clip, n_fft, hop, n_mels)
    if speech_frames(clip, hop) < 1:
        raise ValueError(f"a clip of {clip} samples is shorter than one hop ({hop})")


class SpeechLogMel(LogMelSpectrogram):
    """waveform (B, N) -> log-mel (B, n_mels, N // hop_length): the parent's frames without the
    last, which covers only the reflected padding past the clip's end. The frame goes before
    the log scaling, so the clip's peak (its top 8 decades) is taken over the kept frames."""

    def forward(self, waveform: torch.Tensor) -> torch.Tensor:
        return whisper_log_scale(self.mel_power(waveform)[..., :-1])
