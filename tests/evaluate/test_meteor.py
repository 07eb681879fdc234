"""METEOR against the jar that pycocoevalcap runs (METEOR 1.5, which needs a Java runtime):
with its exact and stem modules only, on any words, and as pycocoevalcap runs it (with
synonyms and paraphrases too) on captions whose words have neither; within 1e-6."""

from __future__ import annotations

import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from metagen.evaluate.english_stemmer import snowball_english_stem
from metagen.evaluate.meteor import METEOR_FUNCTION_WORDS, meteor_exact_stem

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


@needs_java
def test_synonyms_are_what_separates_it_from_pycocoevalcap(pycocoevalcap_meteor) -> None:
    """The restriction its docstring states: the jar matches "big" with "large" through
    WordNet, and drops a stem match ("circles", "circle") that a synonym candidate doubles."""
    gts = {0: ["a big circle"], 1: ["blue circles"]}
    res = {0: ["a large circle"], 1: ["the circle"]}
    _, (synonym, doubled) = pycocoevalcap_meteor.compute_score(gts, res)
    assert synonym > meteor_exact_stem(res[0], [gts[0]])
    assert doubled < meteor_exact_stem(res[1], [gts[1]])


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


def test_the_captioning_evaluator_reports_meteor_by_what_it_is() -> None:
    from metagen.tasks.vlm.evaluate import caption_scores

    references = ["a red circle", "a red circle", "a blue square on the left", "green ring"]
    scores = caption_scores(list(references), references)
    assert scores["meteor_exact_stem"] == pytest.approx(1.0)
    expected = meteor_exact_stem(["a red circle"] * 4, [[r] for r in references])
    assert scores["constant_caption_meteor_exact_stem"] == pytest.approx(expected)
    assert scores["constant_caption_meteor_exact_stem"] < scores["meteor_exact_stem"]
