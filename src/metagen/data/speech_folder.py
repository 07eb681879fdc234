"""User speech data: a folder of audio files and their transcripts.

Transcripts come from one of, in the folder itself:
- `transcripts.tsv`: one `relative/path.wav<TAB>transcript` per line;
- `transcripts.jsonl`: one `{"audio": "relative/path.wav", "text": "transcript"}` per line;
- neither: every audio file (recursive) with a same-name `.txt` beside it (`a.wav`, `a.txt`).
A folder with `train/` and `val/` (or `test/`) subfolders, each laid out so, gives the splits.
"""

import json
from pathlib import Path

from torch.utils.data import Dataset

from metagen.data.audio_io import AUDIO_SUFFIXES, audio_header, fit_audio_length, load_audio
from metagen.data.speech_items import ctc_min_positions, speech_item
from metagen.data.text_data import read_utf8_text
from metagen.data.tokenizer import ByteTokenizer

SPEECH_SPLITS = ("val", "test")
TRANSCRIPT_FILES = ("transcripts.tsv", "transcripts.jsonl")


def speech_split_folders(root) -> tuple[Path, Path] | None:
    """(train, held-out) when `root` holds train/ and val/ (or test/) folders."""
    root = Path(root)
    if not (root / "train").is_dir():
        return None
    held_out = [root / name for name in SPEECH_SPLITS if (root / name).is_dir()]
    return (root / "train", held_out[0]) if held_out else None


def _tsv_entries(listing: Path) -> list[tuple[str, str, str]]:
    """(where, relative path, transcript) per line of a transcripts.tsv."""
    entries = []
    for number, line in enumerate(read_utf8_text(listing).splitlines(), 1):
        if not line.strip():
            continue
        where = f"{listing} line {number}"
        if "\t" not in line:
            raise ValueError(
                f"{where}: expected 'audio path<TAB>transcript', got {line[:60]!r}; separate "
                "the file name and its transcript with one tab."
            )
        name, text = line.split("\t", 1)
        entries.append((where, name.strip(), text))
    return entries


def _jsonl_entries(listing: Path) -> list[tuple[str, str, str]]:
    entries = []
    for number, line in enumerate(read_utf8_text(listing).splitlines(), 1):
        if not line.strip():
            continue
        where = f"{listing} line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(
                f"{where}: not valid JSON ({err.msg}); write one object per line."
            ) from None
        if (
            not isinstance(record, dict)
            or not isinstance(record.get("audio"), str)
            or not isinstance(record.get("text"), str)
        ):
            raise ValueError(
                f'{where}: expected {{"audio": "path.wav", "text": "transcript"}}, got '
                f"{line.strip()[:60]!r}."
            )
        entries.append((where, record["audio"], record["text"]))
    return entries


def _sidecar_entries(root: Path) -> list[tuple[str, str, str]]:
    """Every audio file under root with the text of its same-name .txt."""
    entries = []
    for path in sorted(p for p in root.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES):
        text_file = path.with_suffix(".txt")
        if not text_file.is_file():
            raise ValueError(
                f"{path} has no transcript: add {text_file.name} beside it (UTF-8 text), or list "
                f"every clip in {root / TRANSCRIPT_FILES[0]} as 'file<TAB>transcript' lines."
            )
        entries.append((str(text_file), str(path.relative_to(root)), read_utf8_text(text_file)))
    return entries


def read_transcripts(root: Path) -> list[tuple[str, str, str]]:
    """(where, relative audio path, transcript) for every clip of a speech folder."""
    listings = [root / name for name in TRANSCRIPT_FILES if (root / name).is_file()]
    if len(listings) > 1:
        raise ValueError(f"{root} has both {' and '.join(TRANSCRIPT_FILES)}; keep one of them.")
    if not listings:
        entries = _sidecar_entries(root)
    elif listings[0].suffix == ".tsv":
        entries = _tsv_entries(listings[0])
    else:
        entries = _jsonl_entries(listings[0])
    if not entries:
        raise ValueError(
            f"{root} holds no clips with transcripts: add {'/'.join(AUDIO_SUFFIXES)} files with "
            f"same-name .txt transcripts, or a {' or '.join(TRANSCRIPT_FILES)} listing."
        )
    return entries


class SpeechFolderDataset(Dataset):
    """Clips with transcripts from `root` (see the module docstring), each mono, resampled to
    `sample_rate` and zero-padded to `clip_samples`. Every clip, transcript and length is
    checked here, so a bad file fails before training with the line or file that is wrong."""

    def __init__(
        self,
        root,
        sample_rate: int,
        clip_samples: int,
        *,
        ctc: bool,
        max_tokens: int | None = None,
        max_positions: int | None = None,
    ):
        root = Path(root)
        if not root.is_dir():
            raise FileNotFoundError(
                f"speech folder {root} does not exist; pass a folder of audio clips with "
                "transcripts, or use --data synthetic."
            )
        self.sample_rate, self.clip_samples, self.ctc = sample_rate, clip_samples, ctc
        self.items: list[tuple[Path, str]] = []
        tokenizer = ByteTokenizer()
        for where, name, text in read_transcripts(root):
            path, text = root / name, " ".join(text.split())
            self._check(where, path, text, tokenizer.encode(text), max_tokens, max_positions)
            self.items.append((path, text))
        self.transcripts = [text for _, text in self.items]
        longest = max(len(tokenizer.encode(text)) for text in self.transcripts)
        self.text_len = longest if ctc else longest + 1  # + eos

    def _check(self, where, path, text, ids, max_tokens, max_positions) -> None:
        if path.suffix.lower() not in AUDIO_SUFFIXES:
            raise ValueError(f"{where}: {path.name} is not a {'/'.join(AUDIO_SUFFIXES)} file.")
        if not path.is_file():
            raise ValueError(
                f"{where}: audio file {path} not found; fix the path or remove the entry."
            )
        if not text:
            raise ValueError(
                f"{where}: the transcript of {path.name} is empty; write what is said."
            )
        if max_tokens is not None and len(ids) + 1 > max_tokens:
            raise ValueError(
                f"{where}: the transcript of {path.name} has {len(ids)} byte tokens; the decoder "
                f"holds {max_tokens - 1} (and the end token). Split the clip, or raise "
                "constraints.context_window."
            )
        if max_positions is not None and ctc_min_positions(ids) > max_positions:
            raise ValueError(
                f"{where}: the transcript of {path.name} needs {ctc_min_positions(ids)} CTC "
                f"positions (a token each, a blank between repeats); the encoder has "
                f"{max_positions}. Split the clip or lower modality.audio.hop_length."
            )
        frames, rate = audio_header(path)  # a damaged file fails now, not mid-training
        seconds, limit = frames / rate, self.clip_samples / self.sample_rate
        if seconds > limit + 1e-6:
            raise ValueError(
                f"{where}: {path.name} lasts {seconds:.2f} s; the model hears at most {limit:.2f} "
                "s (modality.audio.clip_seconds). Cut it into shorter clips or raise clip_seconds."
            )

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> dict:
        path, text = self.items[index]
        clip = fit_audio_length(load_audio(path, self.sample_rate), self.clip_samples)
        return speech_item(clip, text, self.text_len, self.ctc)
