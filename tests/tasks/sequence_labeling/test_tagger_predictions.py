"""What a tagger's infer.py predicts (issue 16): a row per sentence (a .txt file, a JSONL row's
text or tokens), a tag from the run's tag names for every word, a sentence longer than the
model reads tagged a window at a time, and the entities the row lists exactly those its BIO
tags mark (read here by a conlleval-style reader of the tag names)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tests.paths import EXAMPLES
from tests.predict.trained_runs import briefly_trained

pytestmark = pytest.mark.slow

SENTENCE = "Grace Novak flew from Lima to Cape Town with 40 colleagues ."


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    spec = EXAMPLES / "text" / "ner_tagger.yaml"
    return briefly_trained(spec, tmp_path_factory.mktemp("tagger"), 30)


def rows_of(run, tmp_path, *inputs) -> list[dict]:
    out = tmp_path / "tags.jsonl"
    command = [sys.executable, "infer.py", "--checkpoint", str(run / "train" / "smoke"),
               *map(str, inputs), "--out", str(out)]  # fmt: skip
    done = subprocess.run(command, cwd=run / "code", capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def entities_of(words: list[str], tags: list[str]) -> list[tuple[str, str]]:
    """(type, words) of each entity: a B- starts one, an I- continues one of its type (else it
    starts one, as conlleval reads it)."""
    found: list[tuple[str, list[str]]] = []
    for word, tag in zip(words, tags, strict=True):
        prefix, kind = tag[:1], tag[2:]
        if prefix == "I" and found and found[-1][0] == kind and found[-1][1][-1] is not None:
            found[-1][1].append(word)
        elif prefix in ("B", "I"):
            found.append((kind, [word]))
        elif found:
            found[-1][1].append(None)  # an O ends the entity before it
    return [(kind, " ".join(w for w in span if w is not None)) for kind, span in found]


def test_every_word_gets_a_tag_and_the_entities_its_tags_mark(run, tmp_path) -> None:
    max_len = json.loads((run / "train" / "smoke" / "metrics.json").read_text())["model_dims"][
        "max_len"
    ]
    long_words = (SENTENCE.split() * (2 * max_len // len(SENTENCE.split()) + 1))[: 2 * max_len + 3]
    (tmp_path / "one.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    records = [{"tokens": long_words}, {"text": " ".join(long_words[:max_len])}]
    (tmp_path / "more.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    rows = rows_of(run, tmp_path, tmp_path / "one.txt", tmp_path / "more.jsonl")
    assert [row["input"] for row in rows] == [
        str(tmp_path / "one.txt"), f"{tmp_path / 'more.jsonl'}:1", f"{tmp_path / 'more.jsonl'}:2"
    ]  # fmt: skip
    assert [row["words"] for row in rows] == [SENTENCE.split(), long_words, long_words[:max_len]]
    names = json.loads((run / "train" / "smoke" / "data_info.json").read_text())["tag_names"]
    for row in rows:
        assert len(row["tags"]) == len(row["words"]) and set(row["tags"]) <= set(names)
        listed = [(e["type"], e["text"]) for e in row["entities"]]
        assert listed == entities_of(row["words"], row["tags"]), row
        assert all(" ".join(row["words"][e["start"] : e["end"]]) == e["text"]
                   for e in row["entities"])  # fmt: skip
    # the long sentence's first window is tagged as that window alone is
    assert rows[1]["tags"][:max_len] == rows[2]["tags"]
