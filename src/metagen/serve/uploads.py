"""What a request to `/predict` carries, checked before it reaches the model: a multipart
upload (one or more files, or a `text` field) or JSON `{"text": ...}`. The size limit is
enforced while the body is read, so an oversize upload is refused without being held whole.
Wrong type is 415, too large 413, a malformed request 400."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request

# Room for the multipart framing around an upload (boundaries, part headers): a few hundred
# bytes in practice; the files themselves are held to the limit after parsing.
FORM_OVERHEAD = 16 * 2**10
TEXT_SUFFIX = ".txt"
# The kind of content each input suffix promises: checked by its signature (text: all of it).
KINDS = {
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"), "image"),
    **dict.fromkeys((".wav", ".flac", ".ogg", ".mp3"), "audio"),
    **dict.fromkeys((TEXT_SUFFIX, ".csv", ".json", ".jsonl"), "text"),
}


@dataclass(frozen=True)
class Upload:
    name: str  # as the client named it
    content: bytes

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


def is_image(head: bytes) -> bool:
    """PNG, JPEG, GIF, BMP or WebP by signature."""
    return (
        head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM"))
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    )  # fmt: skip


def is_audio(head: bytes) -> bool:
    """WAV, FLAC, Ogg or MP3 (an ID3 tag or an MPEG frame's sync bits) by signature."""
    mpeg_frame = len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
    return (
        (head[:4] == b"RIFF" and head[8:12] == b"WAVE")
        or mpeg_frame
        or head.startswith((b"fLaC", b"OggS", b"ID3"))
    )


def is_text(content: bytes) -> bool:
    """UTF-8 without NUL bytes (common in binary formats, absent from text)."""
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


CONTENT_CHECKS = {"image": is_image, "audio": is_audio, "text": is_text}


def check_upload(upload: Upload, suffixes: tuple[str, ...], max_bytes: int) -> None:
    """415 for a suffix the run does not take or content that is not what the suffix says;
    413 for a file over the limit."""
    if upload.suffix not in suffixes:
        raise HTTPException(415, f"{upload.name}: this model takes {'/'.join(suffixes)} files")
    if len(upload.content) > max_bytes:
        raise HTTPException(413, f"{upload.name}: {len(upload.content)} bytes, over the "
                                 f"{max_bytes}-byte limit")  # fmt: skip
    kind = KINDS.get(upload.suffix)
    if kind is not None and not CONTENT_CHECKS[kind](upload.content):
        article = "a" if kind == "text" else "an"
        raise HTTPException(415, f"{upload.name}: not {article} {kind} file by its content")


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request body, refused with 413 as soon as it passes the limit (an upload of
    `max_bytes` and its form's framing), or at once when its Content-Length says it will."""
    limit = max_bytes + FORM_OVERHEAD
    too_large = HTTPException(413, f"the request is over the upload limit of {max_bytes} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


def text_upload(text: object, suffixes: tuple[str, ...]) -> Upload:
    if TEXT_SUFFIX not in suffixes:
        raise HTTPException(415, f"this model takes {'/'.join(suffixes)} files, not text")
    if not isinstance(text, str) or not text.strip():
        raise HTTPException(400, '"text" must be a non-empty string')
    return Upload("text" + TEXT_SUFFIX, text.encode("utf-8"))


async def uploads_of(request: Request, suffixes: tuple[str, ...], max_bytes: int) -> list[Upload]:
    """Every input a request names, each checked; 400 when it names none."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("multipart/form-data", "application/json"):
        raise HTTPException(415, 'send a multipart upload (field "file") or JSON {"text": ...}')
    body = await read_body(request, max_bytes)
    if kind == "application/json":
        try:
            given = json.loads(body)
        except ValueError:
            raise HTTPException(400, "the body is not JSON") from None
        if not isinstance(given, dict) or "text" not in given:
            raise HTTPException(400, 'send JSON {"text": ...}')
        uploads = [text_upload(given["text"], suffixes)]
    else:
        uploads = await form_uploads(request, body, suffixes, max_bytes)
    if not uploads:
        raise HTTPException(400, 'the upload holds no file (send it as the "file" field)')
    for upload in uploads:
        check_upload(upload, suffixes, max_bytes)
    return uploads


async def form_uploads(
    request: Request, body: bytes, suffixes: tuple[str, ...], max_bytes: int
) -> list[Upload]:
    """The files of a multipart body already read, and its `text` field if it has one."""

    async def replay() -> dict:  # the body, already read under the limit, parsed as a form
        return {"type": "http.request", "body": body, "more_body": False}

    form = await Request(request.scope, replay).form(max_part_size=max_bytes)
    uploads = []
    for key, value in form.multi_items():
        if isinstance(value, str):
            uploads += [text_upload(value, suffixes)] if key == "text" and value.strip() else []
        else:
            uploads.append(Upload(Path(value.filename or "upload").name, await value.read()))
    await form.close()
    return uploads
