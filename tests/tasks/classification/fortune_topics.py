"""A real topic-labelled corpus for the text-classification tests: Debian's `fortunes`
package (installed by .ci/run; `apt-get install fortunes`), whose files sort the fortune
cookies by topic. Five large topics give 3,729 texts, averaging about 200 characters."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

FORTUNES = Path("/usr/share/games/fortunes")
TOPICS = ("computers", "politics", "science", "songs-poems", "work")


def fortune_topics(
    per_topic: int | None = None, topics: tuple[str, ...] = TOPICS
) -> tuple[list[str], list[str]]:
    """(texts, topics): every fortune of each topic (or its first `per_topic`), in file order.
    Skips the calling test where the package is not installed."""
    if not all((FORTUNES / topic).is_file() for topic in topics):
        pytest.skip(
            f"Debian's fortunes package is not installed ({FORTUNES}): apt-get install fortunes"
        )
    texts, labels = [], []
    for topic in topics:
        raw = (FORTUNES / topic).read_text(encoding="utf-8", errors="replace")
        found = [text.strip() for text in raw.split("\n%\n") if text.strip()]
        texts += found[:per_topic]
        labels += [topic] * len(found[:per_topic])
    return texts, labels


def write_labelled_csv(path: Path, texts: list[str], labels: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["text", "label"])
        writer.writerows(zip(texts, labels, strict=True))
    return path
