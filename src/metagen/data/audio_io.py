"""Audio files in and out, resampling, and mu-law tokens (8-bit companding, G.711 style)."""

import math
import struct
import wave
from pathlib import Path

import numpy as np

# soundfile (libsndfile) reads all of these; without it, only PCM .wav through `wave`.
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")
MU_LAW_LEVELS = 256


def _audio_files(folder: Path, recursive: bool = False) -> list[Path]:
    found = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(p for p in found if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)


def _soundfile():
    try:
        import soundfile
    except ImportError:  # an optional dependency; callers say what needs it
        return None
    return soundfile


def _read_wav_stdlib(path: Path) -> tuple[np.ndarray, int]:
    """A PCM .wav (8, 16 or 32 bit) as float32 (frames, channels) in [-1, 1], and its rate."""
    with wave.open(str(path), "rb") as f:
        width, channels, rate = f.getsampwidth(), f.getnchannels(), f.getframerate()
        raw = f.readframes(f.getnframes())
    if width == 1:
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width in (2, 4):
        dtype = np.int16 if width == 2 else np.int32
        data = np.frombuffer(raw, dtype=dtype).astype(np.float32) / float(2 ** (8 * width - 1))
    else:
        raise ValueError(f"{width * 8}-bit PCM is not readable without the soundfile package")
    return data.reshape(-1, channels), rate


def _wav_shortfall(path: Path) -> tuple[int, int] | None:
    """(declared, present) sample bytes of a RIFF WAVE file that ends inside its data chunk
    (the readers would return what is there without a word); None if it is whole."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head, at = f.read(12), 12
        while head[:4] + head[8:] == b"RIFFWAVE" and at + 8 <= size:  # RF64, W64: libsndfile's
            f.seek(at)
            chunk, length = struct.unpack("<4sI", f.read(8))
            if chunk == b"data":  # 0xFFFFFFFF: streamed, and the size never filled in
                present = size - at - 8
                return None if present >= length or length == 0xFFFFFFFF else (length, present)
            at += 8 + length + (length & 1)  # chunks are padded to an even size
    return None


def audio_header(path) -> tuple[int, int]:
    """(frames, sample rate) from the file's header, checked against its size without decoding:
    a ValueError naming the file if it is empty, not audio, cut short or without samples.
    .flac/.ogg need the `soundfile` package; .wav works without it."""
    path, soundfile = Path(path), _soundfile()
    if soundfile is None and path.suffix.lower() != ".wav":
        raise ValueError(
            f"reading {path.suffix} files such as {path} needs the soundfile package: "
            "pip install soundfile (or convert the files to .wav)."
        )
    if path.is_file() and path.stat().st_size == 0:
        raise ValueError(f"audio file {path} is empty (0 bytes); delete or replace it.")
    try:
        if soundfile is not None:
            info = soundfile.info(str(path))
            frames, rate = info.frames, info.samplerate
        else:
            with wave.open(str(path), "rb") as f:
                frames, rate = f.getnframes(), f.getframerate()
        shortfall = _wav_shortfall(path)
    except Exception as err:
        raise ValueError(
            f"cannot read audio {path} ({type(err).__name__}: {err}); it is damaged or not "
            "audio: delete or replace this file."
        ) from None
    if shortfall is not None:
        raise ValueError(
            f"audio file {path} is cut short: its header declares {shortfall[0]} bytes of "
            f"samples but the file holds {shortfall[1]}; re-export or replace it."
        )
    if frames <= 0:
        raise ValueError(f"audio file {path} has no samples; delete or replace it.")
    return int(frames), int(rate)


def read_audio(path) -> tuple[np.ndarray, int]:
    """The file at `path` as mono float32 samples and its sample rate; a clear error if it is
    unreadable (audio_header)."""
    path = Path(path)
    audio_header(path)
    soundfile = _soundfile()
    try:
        if soundfile is not None:
            data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        else:
            data, rate = _read_wav_stdlib(path)
    except Exception as err:
        raise ValueError(
            f"cannot read audio {path} ({type(err).__name__}: {err}); delete or replace this file."
        ) from None
    return data.mean(axis=1).astype(np.float32), int(rate)


def resample_audio(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Band-limited resampling through the FFT (zero-padding or truncating the spectrum)."""
    if rate_in == rate_out:
        return samples.astype(np.float32)
    n_out = max(1, round(len(samples) * rate_out / rate_in))
    spectrum = np.fft.rfft(samples.astype(np.float64))
    keep = min(len(spectrum), n_out // 2 + 1)
    resized = np.zeros(n_out // 2 + 1, dtype=np.complex128)
    resized[:keep] = spectrum[:keep]
    return (np.fft.irfft(resized, n_out) * (n_out / len(samples))).astype(np.float32)


def load_audio(path, sample_rate: int) -> np.ndarray:
    """Mono float32 samples of the file at `path`, resampled to `sample_rate`."""
    samples, rate = read_audio(path)
    return resample_audio(samples, rate, sample_rate)


def fit_audio_length(samples: np.ndarray, length: int) -> np.ndarray:
    """The first `length` samples, zero-padded at the end if the clip is shorter."""
    out = np.zeros(length, dtype=np.float32)
    n = min(length, len(samples))
    out[:n] = samples[:n]
    return out


def write_wav(path, samples: np.ndarray, sample_rate: int) -> None:
    """Mono 16-bit PCM .wav (stdlib only); samples are clipped to [-1, 1]."""
    samples = np.asarray(samples, dtype=np.float64)
    if not np.isfinite(samples).all():
        raise ValueError("cannot write non-finite audio samples")
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(int(sample_rate))
        f.writeframes(pcm.tobytes())


def mu_law_encode(samples: np.ndarray, levels: int = MU_LAW_LEVELS) -> np.ndarray:
    """Samples in [-1, 1] -> integer levels 0..levels-1 (mu = levels - 1)."""
    mu = levels - 1
    x = np.clip(np.asarray(samples, dtype=np.float64), -1.0, 1.0)
    y = np.sign(x) * np.log1p(mu * np.abs(x)) / math.log1p(mu)  # [-1, 1]
    return np.floor((y + 1.0) / 2.0 * mu + 0.5).astype(np.int64)


def mu_law_decode(ids, levels: int = MU_LAW_LEVELS) -> np.ndarray:
    """Integer levels -> samples in [-1, 1], the inverse of mu_law_encode up to quantization."""
    mu = levels - 1
    y = 2.0 * np.asarray(ids, dtype=np.float64) / mu - 1.0
    return (np.sign(y) * np.expm1(np.abs(y) * math.log1p(mu)) / mu).astype(np.float32)
