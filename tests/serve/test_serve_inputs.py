"""What `metagen serve` checks before a model sees anything: upload content by its first
bytes (real files written by PIL and the wave module), the upload page's fields, the rows
of one predict call split back to their files, and bad flags (one line, exit 2)."""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import pytest
from PIL import Image
from tests.e2e.runs import METAGEN

from metagen.serve.batching import rows_by_file
from metagen.serve.page import upload_page
from metagen.serve.uploads import is_audio, is_image, is_text

IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")


def picture(format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=format)
    return buffer.getvalue()


def wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(bytes(1600))
    return buffer.getvalue()


@pytest.mark.parametrize("format", IMAGE_FORMATS)
def test_every_image_format_is_an_image_and_no_audio_or_text(format) -> None:
    content = picture(format)
    assert is_image(content) and not is_audio(content) and not is_text(content)


def test_a_wav_is_audio_and_text_is_text_and_neither_is_an_image() -> None:
    assert is_audio(wav()) and not is_image(wav()) and not is_text(wav())
    words = "a red circle · ünïcode\n".encode()
    assert is_text(words) and not is_image(words) and not is_audio(words)
    assert not is_text("latin-1 é".encode("latin-1"))


def test_the_page_offers_what_the_run_takes_and_loads_nothing_from_outside() -> None:
    images = upload_page("shapes", "classification", (".png", ".jpg"))
    assert 'accept=".png,.jpg"' in images and "<textarea" not in images
    prompts = upload_page("<tiny>", "language_modeling", (".txt", ".jsonl"))
    assert "<textarea" in prompts and 'accept=".jsonl"' in prompts and "&lt;tiny&gt;" in prompts
    for page in (images, prompts):
        assert "<script src" not in page and "http://" not in page and "https://" not in page


def test_rows_go_back_to_the_file_they_came_from() -> None:
    files = [Path("/in/1.jsonl"), Path("/in/12.jsonl"), Path("/in/2.png")]
    rows = [{"input": "/in/12.jsonl:1"}, {"input": "/in/1.jsonl:1"}, {"input": "/in/12.jsonl:2"},
            {"input": "/in/2.png"}]  # fmt: skip
    assert rows_by_file(rows, files) == [[rows[1]], [rows[0], rows[2]], [rows[3]]]
    with pytest.raises(RuntimeError, match="not one of its inputs"):
        rows_by_file([{"input": "/elsewhere.png"}], files)


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--port", "70000"], "give a port from 0 to 65535"),
        (["--max-bytes", "0"], "--max-bytes 0: give at least 1"),
        (["--batch-wait-ms", "-1"], "give 0 or more"),
        ([], "is not a run directory"),
    ],
)
def test_bad_flags_and_a_folder_that_is_no_run_are_one_line_and_exit_2(
    tmp_path, flags, said
) -> None:
    done = subprocess.run([METAGEN, "serve", str(tmp_path), *flags], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
