"""METEOR against the jar that pycocoevalcap runs (METEOR 1.5, which needs a Java runtime),
within 1e-6: with its exact and stem modules only, on any words; and as pycocoevalcap runs it,
with WordNet synonyms and the paraphrase table too (read from pycocoevalcap's install, as a
user names it in $METAGEN_METEOR_DATA), on captions whose words have synonyms, paraphrases
and stems in common."""

from __future__ import annotations

import gzip
import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from metagen.evaluate import meteor_resources
from metagen.evaluate.english_stemmer import snowball_english_stem
from metagen.evaluate.meteor import (
    METEOR_FUNCTION_WORDS,
    PARAPHRASE,
    SYNONYM,
    meteor,
    meteor_counts,
    meteor_exact_stem,
    meteor_vocabulary,
)

pycocoevalcap = pytest.importorskip("pycocoevalcap")
from pycocoevalcap.meteor import meteor as pycoco_meteor  # noqa: E402

JAR_DIR = Path(pycoco_meteor.__file__).parent
JAR = JAR_DIR / pycoco_meteor.METEOR_JAR
needs_java = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="METEOR's reference is pycocoevalcap's Java jar and no java is on PATH "
    "(.ci/run installs default-jre-headless)",
)
# Words with stems in common (circle, circles; draw, draws, drawing), and function words.
INFLECTED = (
    "a the of is on it with was red reds circle circles circling square squares draw draws "
    "drew drawing drawn left lefts large larger largest"
).split()
# Words among which the jar's synonym and paraphrase modules find nothing: no two share a
# WordNet synset or a paraphrase-table entry (ring and circle would), nor a stem.
PLAIN = "a the red blue green small large circle square triangle on left right of and".split()
# Words with WordNet synonyms (big, large; car, automobile), paraphrases (a photo of, an
# image of), inflections and function words.
RICH = (
    "a the of is on it with was an man men person people dog dogs puppy cat kitten car "
    "automobile big large huge small little tiny red crimson ring circle circles drawing draws "
    "picture photo image road street walking walks runs running sits sitting table desk near "
    "next to beside in front of top on top of"
).split()


def _captions(words: list, seed: int, count: int, refs: int):
    rng = random.Random(seed)
    text = lambda: " ".join(rng.choice(words) for _ in range(rng.randint(1, 14)))  # noqa: E731
    candidates = [text() for _ in range(count)]
    references = [[text() for _ in range(rng.randint(1, refs))] for _ in range(count)]
    for i in range(0, count, 4):  # some written texts equal a reference, as trained ones do
        candidates[i] = references[i][0]
    return candidates, references


class JarMeteor:
    """The jar in pycocoevalcap's stdio protocol (its SCORE and EVAL lines), with the modules
    given: per-text scores and the corpus score."""

    def __init__(self, modules: str):
        command = ["java", "-jar", "-Xmx2G", JAR.name, "-", "-", "-stdio", "-l", "en", "-norm"]
        self.process = subprocess.Popen(
            [*command, "-m", modules], cwd=JAR_DIR, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip

    def _ask(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def scores(self, candidates: list, references: list) -> tuple[list, float]:
        stats = []
        for candidate, refs in zip(candidates, references, strict=True):
            self._ask(" ||| ".join(("SCORE", *refs, candidate)))
            stats.append(self.process.stdout.readline().strip())
        self._ask(" ||| ".join(("EVAL", *stats)))
        each = [float(self.process.stdout.readline()) for _ in stats]
        return each, float(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


@pytest.fixture(scope="module")
def exact_stem_jar():
    jar = JarMeteor("exact stem")
    yield jar
    jar.close()


@pytest.fixture(scope="module")
def pycocoevalcap_meteor():
    """pycocoevalcap's own wrapper, all four modules (it loads WordNet and the paraphrase
    table: about 30 s, once)."""
    return pycoco_meteor.Meteor()


@needs_java
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_meteor_is_the_jars_with_exact_and_stem_matching(exact_stem_jar, seed) -> None:
    candidates, references = _captions(INFLECTED, seed, 30, 4)
    each, corpus = exact_stem_jar.scores(candidates, references)
    assert abs(meteor_exact_stem(candidates, references) - corpus) < 1e-6
    for candidate, refs, expected in zip(candidates, references, each, strict=True):
        assert abs(meteor_exact_stem([candidate], [refs]) - expected) < 1e-6
    assert any(0 < score < 1 for score in each)  # partial matches, not only copies and misses


@needs_java
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_meteor_is_pycocoevalcaps_where_no_synonym_or_paraphrase_fires(
    pycocoevalcap_meteor, seed
) -> None:
    candidates, references = _captions(PLAIN, seed, 30, 4)
    gts = {i: refs for i, refs in enumerate(references)}
    res = {i: [c] for i, c in enumerate(candidates)}
    corpus, each = pycocoevalcap_meteor.compute_score(gts, res)
    assert abs(meteor_exact_stem(candidates, references) - corpus) < 1e-6
    for candidate, refs, expected in zip(candidates, references, each, strict=True):
        assert abs(meteor_exact_stem([candidate], [refs]) - expected) < 1e-6


@pytest.fixture(scope="module")
def rich_resources():
    """METEOR's synonym and paraphrase data, read as a user names it: pycocoevalcap's meteor/
    folder (the jar, and data/paraphrase-en.gz), for texts of RICH's words."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(meteor_resources.DATA_ENV, str(JAR_DIR))
        return meteor_resources.load_meteor_resources(set(RICH))


@needs_java
@pytest.mark.parametrize("seed", [0, pytest.param(1, marks=pytest.mark.slow),
                                  pytest.param(2, marks=pytest.mark.slow)])  # fmt: skip
def test_meteor_is_pycocoevalcaps_with_synonyms_and_paraphrases(
    pycocoevalcap_meteor, rich_resources, seed
) -> None:
    candidates, references = _captions(RICH, seed, 30, 3)
    gts = {i: refs for i, refs in enumerate(references)}
    res = {i: [c] for i, c in enumerate(candidates)}
    corpus, each = pycocoevalcap_meteor.compute_score(gts, res)
    assert abs(meteor(candidates, references, rich_resources) - corpus) < 1e-6
    for candidate, refs, expected in zip(candidates, references, each, strict=True):
        assert abs(meteor([candidate], [refs], rich_resources) - expected) < 1e-6
    # the synonym and paraphrase modules matched words, and changed the score
    matched = [0, 0, 0, 0]
    for candidate, refs in zip(candidates, references, strict=True):
        for reference in refs:
            counts = meteor_counts(candidate, reference, rich_resources)
            matched = [m + sum(c) for m, c in zip(matched, counts.module_matches, strict=True)]
    assert matched[SYNONYM] > 0 and matched[PARAPHRASE] > 0
    assert abs(meteor_exact_stem(candidates, references) - corpus) > 1e-3


@needs_java
def test_synonyms_and_phrases_score_as_pycocoevalcaps(pycocoevalcap_meteor, rich_resources):
    """Words for words, as the jar scores them: "big" for "large" (WordNet), "an image of"
    for "a photo of" (the table), and a stem match ("circles", "circle") that a synonym
    candidate doubles, which the jar's search drops."""
    gts = {0: ["a big circle"], 1: ["blue circles"], 2: ["a photo of a dog"]}
    res = {0: ["a large circle"], 1: ["the circle"], 2: ["an image of a dog"]}
    _, each = pycocoevalcap_meteor.compute_score(gts, res)
    for i, expected in enumerate(each):
        assert abs(meteor(res[i], [gts[i]], rich_resources) - expected) < 1e-6
    synonym, doubled, phrase = each
    assert synonym > meteor_exact_stem(res[0], [gts[0]])
    assert doubled < meteor_exact_stem(res[1], [gts[1]])
    assert phrase > meteor_exact_stem(res[2], [gts[2]])
    counts = meteor_counts(res[2][0], gts[2][0], rich_resources)
    assert sum(counts.module_matches[PARAPHRASE]) > 0


@pytest.fixture
def data_folder(tmp_path):
    """A folder as a user names it: WordNet's two files taken from the jar, and a paraphrase
    table of two pairs (the real one is 62 MB), gzipped as the jar's."""
    with zipfile.ZipFile(JAR) as jar:
        for name in (meteor_resources.SYNSETS, meteor_resources.EXCEPTIONS):
            (tmp_path / Path(name).name).write_bytes(jar.read(name))
    pairs = [("a photo of", "an image of"), ("a photo of", "a cat")]
    table = "".join(f"0.5\n{phrase}\n{other}\n" for phrase, other in pairs)
    (tmp_path / "paraphrase-en.gz").write_bytes(gzip.compress(table.encode("utf-8")))
    return tmp_path


def test_the_data_is_read_from_the_folder_named_and_only_there(
    data_folder, monkeypatch, capsys
) -> None:
    monkeypatch.delenv(meteor_resources.DATA_ENV, raising=False)
    assert meteor_resources.load_meteor_resources({"big"}) is None  # named nowhere: none
    monkeypatch.setenv(meteor_resources.DATA_ENV, str(data_folder))
    words = {"a", "photo", "of", "an", "image", "dog", "big", "large"}
    read = meteor_resources.load_meteor_resources(words)
    assert read is not None
    assert read.paraphrases == {("a", "photo", "of"): [("an", "image", "of")]}  # no cat here
    written, reference = ["a large dog"], [["a big dog"]]
    assert meteor(written, reference, read) > meteor_exact_stem(written, reference)
    # a folder without the data: one warning, and exact and stem METEOR goes on
    monkeypatch.setenv(meteor_resources.DATA_ENV, str(data_folder / "empty"))
    assert meteor_resources.cached_meteor_resources(words) is None
    assert meteor_resources.cached_meteor_resources(words | {"cat"}) is None
    warnings = capsys.readouterr().err.strip().splitlines()
    assert len(warnings) == 1 and "METEOR's data cannot be read there" in warnings[0]


@needs_java
def test_the_stemmer_is_the_jars_snowball_english_stemmer() -> None:
    """Every word of the repository's docs, stemmed by the jar's own Stemmer."""
    docs = Path(__file__).resolve().parents[2] / "docs"
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(docs.rglob("*.md")))
    words = sorted({w for w in "".join(c if c.isalpha() else " " for c in text.lower()).split()
                    if w.isascii()})  # fmt: skip
    stemmed = subprocess.run(
        ["java", "-cp", str(JAR), "Stemmer", "en"],
        input="\n".join(words) + "\n", capture_output=True, text=True, check=True,
    ).stdout.split("\n")  # fmt: skip
    assert len(words) > 1000
    assert [snowball_english_stem(w) for w in words] == stemmed[: len(words)]


def test_function_words_are_the_jars() -> None:
    with zipfile.ZipFile(JAR) as jar:
        listed = jar.read("function/english.words").decode("utf-8").split()
    assert sorted(METEOR_FUNCTION_WORDS.split()) == sorted(listed)


def test_copies_misses_and_empty_texts() -> None:
    assert meteor_exact_stem(["a red circle"], [["a red circle"]]) == pytest.approx(1.0)
    assert meteor_exact_stem(["blue square"], [["a red circle"]]) == 0.0
    assert meteor_exact_stem([""], [["a red circle"]]) == 0.0
    # the best of the references counts
    two = meteor_exact_stem(["a red circle"], [["blue square", "a red circle"]])
    assert two == pytest.approx(1.0)
    with pytest.raises(ValueError, match="one written text"):
        meteor_exact_stem([], [])


def test_the_captioning_evaluator_reports_meteor_by_what_it_is(monkeypatch) -> None:
    from metagen.tasks.vlm.evaluate import caption_scores

    monkeypatch.delenv(meteor_resources.DATA_ENV, raising=False)
    references = ["a red circle", "a red circle", "a blue square on the left", "green ring"]
    scores = caption_scores(list(references), references)
    assert scores["meteor_exact_stem"] == pytest.approx(1.0)
    expected = meteor_exact_stem(["a red circle"] * 4, [[r] for r in references])
    assert scores["constant_caption_meteor_exact_stem"] == pytest.approx(expected)
    assert scores["constant_caption_meteor_exact_stem"] < scores["meteor_exact_stem"]
    assert "meteor" not in scores  # no synonym and paraphrase data named


def test_with_its_data_named_the_evaluator_reports_full_meteor_too(data_folder, monkeypatch):
    from metagen.tasks.vlm.evaluate import caption_scores

    monkeypatch.setenv(meteor_resources.DATA_ENV, str(data_folder))
    references = ["a big circle", "a photo of a dog"]
    written = ["a large circle", "an image of a dog"]
    scores = caption_scores(written, references)
    assert scores["meteor"] > scores["meteor_exact_stem"]
    read = meteor_resources.load_meteor_resources(meteor_vocabulary(written, [references]))
    assert scores["meteor"] == pytest.approx(meteor(written, [[r] for r in references], read))
    common = "a photo of a dog"  # the most common reference; ties: the last in order
    assert scores["constant_caption_meteor"] == pytest.approx(
        meteor([common] * 2, [[r] for r in references], read)
    )
