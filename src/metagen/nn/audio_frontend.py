"""Log-mel spectrogram in plain torch: STFT, a mel filterbank (HTK's, or Slaney's as librosa and
Whisper use), Whisper's log scaling."""

import math

import torch
from torch import nn

from metagen.nn.checks import check_choice, check_positive

# Slaney's scale (the Auditory Toolbox, librosa's default): linear below 1 kHz, 3 mel per
# 200 Hz, then logarithmic, 27 mel per factor 6.4.
SLANEY_HZ_PER_MEL = 200.0 / 3.0
SLANEY_BREAK_HZ = 1000.0
SLANEY_BREAK_MEL = SLANEY_BREAK_HZ / SLANEY_HZ_PER_MEL  # 15
SLANEY_OCTAVE = 6.4  # the frequency ratio that spans SLANEY_MEL_PER_OCTAVE mel
SLANEY_MEL_PER_OCTAVE = 27.0


def hz_to_mel(hz: float) -> float:
    """The HTK mel scale: 2595 * log10(1 + f / 700)."""
    return 2595.0 * math.log10(1.0 + hz / 700.0)


def mel_to_hz(mel: torch.Tensor) -> torch.Tensor:
    return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)


def slaney_hz_to_mel(hz: float) -> float:
    if hz < SLANEY_BREAK_HZ:
        return hz / SLANEY_HZ_PER_MEL
    log_step = math.log(SLANEY_OCTAVE) / SLANEY_MEL_PER_OCTAVE
    return SLANEY_BREAK_MEL + math.log(hz / SLANEY_BREAK_HZ) / log_step


def slaney_mel_to_hz(mel: torch.Tensor) -> torch.Tensor:
    log_step = math.log(SLANEY_OCTAVE) / SLANEY_MEL_PER_OCTAVE
    linear = SLANEY_HZ_PER_MEL * mel
    logarithmic = SLANEY_BREAK_HZ * torch.exp(log_step * (mel - SLANEY_BREAK_MEL))
    return torch.where(mel < SLANEY_BREAK_MEL, linear, logarithmic)


# name -> (hz -> mel, mel -> hz). "htk" filters peak at 1; "slaney" filters have Slaney's area
# normalisation (each scaled by 2 / its width in Hz), as librosa's default and Whisper's.
MEL_SCALES = {"htk": (hz_to_mel, mel_to_hz), "slaney": (slaney_hz_to_mel, slaney_mel_to_hz)}


def audio_frames(num_samples: int, hop_length: int) -> int:
    """Spectrogram frames of a clip: the STFT is centred, so one per hop plus one."""
    return 1 + num_samples // hop_length


def audio_tokens(num_samples: int, hop_length: int) -> int:
    """Tokens after the stem's stride-2 conv (kernel 3, padding 1)."""
    return (audio_frames(num_samples, hop_length) - 1) // 2 + 1


def check_audio_frontend(sample_rate: int, clip: int, n_fft: int, hop: int, n_mels: int) -> None:
    check_positive(sample_rate=sample_rate, n_fft=n_fft, hop_length=hop, n_mels=n_mels)
    if clip < n_fft:
        raise ValueError(f"a clip of {clip} samples is shorter than n_fft ({n_fft})")


def mel_filterbank(
    n_freqs: int,
    n_mels: int,
    sample_rate: int,
    f_min: float = 0.0,
    f_max: float | None = None,
    mel_scale: str = "htk",
) -> torch.Tensor:
    """Triangular filters (n_freqs, n_mels) over the rfft bins 0..sample_rate/2, centred at
    n_mels points evenly spaced in mel between f_min and f_max. HTK's peak at 1; Slaney's
    are scaled to equal area (2 / the filter's width in Hz)."""
    check_choice("mel_scale", mel_scale, MEL_SCALES)
    to_mel, to_hz = MEL_SCALES[mel_scale]
    f_max = sample_rate / 2 if f_max is None else f_max
    if not 0.0 <= f_min < f_max <= sample_rate / 2:
        raise ValueError(
            f"need 0 <= f_min ({f_min}) < f_max ({f_max}) <= sample_rate / 2 ({sample_rate / 2})"
        )
    freqs = torch.linspace(0.0, sample_rate / 2, n_freqs, dtype=torch.float64)  # (F,)
    mels = torch.linspace(to_mel(f_min), to_mel(f_max), n_mels + 2, dtype=torch.float64)
    edges = to_hz(mels)  # (n_mels + 2,) left edge, centre, right edge of each filter
    widths = edges[1:] - edges[:-1]  # (n_mels + 1,)
    offsets = edges[None, :] - freqs[:, None]  # (F, n_mels + 2)
    rising = -offsets[:, :-2] / widths[:-1]  # (F, n_mels)
    falling = offsets[:, 2:] / widths[1:]  # (F, n_mels)
    bank = torch.clamp(torch.minimum(rising, falling), min=0.0)  # (F, n_mels)
    if mel_scale == "slaney":
        bank = bank * (2.0 / (edges[2:] - edges[:-2]))  # equal area per filter
    return bank.float()


class LogMelSpectrogram(nn.Module):
    """waveform (B, N) -> log-mel (B, n_mels, 1 + N // hop_length).

    Hann-windowed STFT (centred, reflect padding), power spectrum, mel filterbank, then
    Whisper's scaling: log10, clipped to 8 decades below each clip's peak, (x + 4) / 4.
    No parameters: the window and the filterbank are buffers rebuilt from the config.
    """

    window: torch.Tensor  # buffers, registered below
    mel_filters: torch.Tensor

    def __init__(
        self, sample_rate: int, n_fft: int, hop_length: int, n_mels: int, mel_scale: str = "htk"
    ) -> None:
        super().__init__()
        check_positive(sample_rate=sample_rate, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.register_buffer("window", torch.hann_window(n_fft), persistent=False)
        filters = mel_filterbank(n_fft // 2 + 1, n_mels, sample_rate, mel_scale=mel_scale)
        self.register_buffer("mel_filters", filters.T.contiguous(), persistent=False)

    def mel_power(self, waveform: torch.Tensor) -> torch.Tensor:
        """waveform (B, N) -> mel power (B, n_mels, 1 + N // hop_length), before the log."""
        if waveform.size(-1) <= self.n_fft // 2:
            raise ValueError(
                f"a clip of {waveform.size(-1)} samples is too short for n_fft ({self.n_fft})"
            )
        spec = torch.stft(
            waveform.float(),
            self.n_fft,
            self.hop_length,
            window=self.window.float(),
            center=True,
            pad_mode="reflect",
            return_complex=True,
        )  # (B, F, frames)
        power = spec.real.square() + spec.imag.square()  # (B, F, frames)
        return torch.matmul(self.mel_filters.float(), power).float()  # (B, n_mels, frames)

    def forward(self, waveform: torch.Tensor) -> torch.Tensor:
        return whisper_log_scale(self.mel_power(waveform))


def whisper_log_scale(mel: torch.Tensor) -> torch.Tensor:
    """Whisper's scaling of mel power (B, n_mels, frames): log10, clipped to 8 decades below
    each clip's peak, then (x + 4) / 4."""
    x = torch.log10(mel.clamp_min(1e-10))
    x = torch.maximum(x, x.amax(dim=(1, 2), keepdim=True) - 8.0)
    return (x + 4.0) / 4.0
