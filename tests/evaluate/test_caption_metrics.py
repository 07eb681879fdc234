"""Caption metrics against the COCO caption evaluation's own code (pycocoevalcap: ROUGE-L and
CIDEr-D) and sacrebleu's BLEU, within 1e-6 on fixed inputs."""

from __future__ import annotations

import random

import pytest
import sacrebleu

from metagen.evaluate.caption_metrics import cider_d, corpus_bleu, rouge_l

pycocoevalcap = pytest.importorskip("pycocoevalcap")
from pycocoevalcap.cider.cider import Cider  # noqa: E402
from pycocoevalcap.rouge.rouge import Rouge  # noqa: E402

WORDS = "a the red blue green small large circle square ring cross on left of".split()


def _captions(seed: int, count: int, refs: int):
    rng = random.Random(seed)
    text = lambda: " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 9)))  # noqa: E731
    candidates = [text() for _ in range(count)]
    references = [[text() for _ in range(rng.randint(1, refs))] for _ in range(count)]
    # some written texts equal a reference, as a trained model's often do
    for i in range(0, count, 4):
        candidates[i] = references[i][0]
    return candidates, references


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cider_d_and_rouge_l_are_pycocoevalcaps(seed) -> None:
    candidates, references = _captions(seed, 30, 4)
    gts = {i: refs for i, refs in enumerate(references)}
    res = {i: [c] for i, c in enumerate(candidates)}
    cider, _ = Cider().compute_score(gts, res)
    assert abs(cider_d(candidates, references) - cider) < 1e-6
    rouge, _ = Rouge().compute_score(gts, res)
    mine = sum(rouge_l(c, refs) for c, refs in zip(candidates, references, strict=True))
    assert abs(mine / len(candidates) - rouge) < 1e-6


def test_bleu_is_sacrebleus_corpus_bleu() -> None:
    candidates, references = _captions(3, 20, 1)
    firsts = [refs[0] for refs in references]
    reference = sacrebleu.corpus_bleu(candidates, [firsts]).score
    assert abs(corpus_bleu(candidates, firsts) - reference) < 1e-6


def test_perfect_and_empty_captions() -> None:
    assert rouge_l("a red circle", ["a red circle"]) == pytest.approx(1.0)
    assert rouge_l("", ["a red circle"]) == 0.0
    assert corpus_bleu(["a red circle on the left"], ["a red circle on the left"]) == pytest.approx(
        100
    )
