"""The retrieval and transcript plots show measured numbers: recall@1 counted from the drawn
similarity matrix equals a recount by hand and the task's evaluator on the same batch; each
transcript's WER equals torchmetrics', and together they equal the evaluator's WER."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from tests.paths import EXAMPLES
from tests.report.generative_runs import CPU, ctc_speech_spec, fresh_model_and_batch
from torchmetrics.text import WordErrorRate

from metagen.predictions.transcripts import collect_transcripts
from metagen.report.plots import drawer
from metagen.report.plots.retrieval import group_recall_at_1, recall_at_1
from metagen.tasks.contrastive.evaluate import evaluate_contrastive
from metagen.tasks.contrastive.predictions import collect_retrieval as collect_clip_retrieval
from metagen.tasks.embedding.evaluate import evaluate_embedding
from metagen.tasks.embedding.predictions import collect_retrieval as collect_embedding_retrieval
from metagen.tasks.speech_recognition.evaluate import evaluate_speech_seq2seq
from metagen.tasks.speech_recognition_ctc.evaluate import evaluate_speech_ctc

torch.set_num_threads(1)


def test_recall_at_1_counts_ties_against_the_query() -> None:
    assert recall_at_1(np.eye(4)) == 1.0
    assert recall_at_1(np.ones((4, 4))) == 0.0  # one score for everything retrieves nothing
    similarity = np.array([[0.9, 0.9, 0.1], [0.2, 0.8, 0.1], [0.7, 0.1, 0.6]])
    assert recall_at_1(similarity) == pytest.approx(1 / 3)  # row 0 ties, row 2 misses
    groups = np.array([0, 0, 1])
    # row 0: its group's best (0.9) ties with another item of its group: a tie all the same
    assert group_recall_at_1(similarity, groups) == pytest.approx(1 / 3)


def _recount(similarity: list[list[float]], groups: list[int]) -> tuple[float, float]:
    """(recall@1, same-group recall@1) by hand: a hit scores above every other item."""
    pairs = same = 0
    for i, row in enumerate(similarity):
        pairs += all(row[j] < row[i] for j in range(len(row)) if j != i)
        best = max(row[j] for j in range(len(row)) if groups[j] == groups[i])
        same += sum(score >= best for score in row) == 1
    return pairs / len(similarity), same / len(similarity)


@pytest.mark.parametrize("task", ["contrastive", "embedding"])
def test_recall_from_the_drawn_matrix_recounts_and_matches_the_evaluator(task, tmp_path):
    spec = {"contrastive": "multimodal/multimodal_clip.yaml",
            "embedding": "text/sentence_embedding.yaml"}[task]  # fmt: skip
    model, batch, info, _, _ = fresh_model_and_batch(EXAMPLES / spec)
    collect, evaluate = {
        "contrastive": (collect_clip_retrieval, evaluate_contrastive),
        "embedding": (collect_embedding_retrieval, evaluate_embedding),
    }[task]
    with torch.no_grad():
        collected = collect(model, iter([batch]), CPU, info)
        evaluated = evaluate(model, [batch], CPU)
    drawn = drawer("retrieval")(collected, tmp_path)
    assert [path.name for path in drawn] == ["similarity_matrix.png", "retrieval_examples.png"]
    shown = json.loads((tmp_path / "similarity_matrix.json").read_text())
    pairs, same = _recount(shown["similarity"], collected["groups"].tolist())
    assert shown["recall_at_1"] == pytest.approx(pairs)
    assert shown["group_recall_at_1"] == pytest.approx(same)
    if task == "contrastive":  # captions retrieve images, as the headline asks
        assert shown["recall_at_1"] == pytest.approx(evaluated["r1_text_to_image"])
        # no two images embed alike, so the argmax the evaluator takes has no ties to break
        assert shown["group_recall_at_1"] == pytest.approx(
            evaluated["same_caption_at_1_text_to_image"]
        )
        assert shown["num_groups"] == evaluated["num_distinct_captions"]
    else:
        assert shown["group_recall_at_1"] == pytest.approx(evaluated["recall_at_1"])
        assert shown["chance_group_recall_at_1"] == pytest.approx(evaluated["chance_recall_at_1"])
    examples = json.loads((tmp_path / "retrieval_examples.json").read_text())["examples"]
    similarity = np.asarray(shown["similarity"])
    for query, example in enumerate(examples):  # the items shown are each query's top 3
        scores = [item["score"] for item in example["retrieved"]]
        others = np.delete(similarity[query], [item["index"] for item in example["retrieved"]])
        assert scores == sorted(scores, reverse=True) and min(scores) >= others.max()


class ScriptedRecognizer:
    """Writes the same transcripts whatever it hears."""

    config = SimpleNamespace(hop_length=160)

    def __init__(self, transcripts: list[str]):
        self.transcripts = transcripts

    def transcribe(self, waveform, max_tokens: int) -> list[list[int]]:
        return [list(text.encode())[:max_tokens] for text in self.transcripts]

    def frontend(self, waveform):
        return torch.zeros(len(waveform), 4, 10)


def test_each_transcripts_wer_equals_torchmetrics(tmp_path) -> None:
    pairs = [("five six", "five six"), ("five", "five six"), ("six five six", "five six"),
             ("", "nine"), ("one two three four", "one"), ("seven  eight", "seven eight")]  # fmt: skip
    hypotheses, references = zip(*pairs, strict=True)
    width = max(len(text) for pair in pairs for text in pair) + 1  # no transcript is cut
    targets = torch.full((len(pairs), width), -100)
    for row, reference in enumerate(references):
        ids = [*reference.encode(), 257]  # the transcript, then eos
        targets[row, : len(ids)] = torch.tensor(ids)
    batch = {"waveform": torch.zeros(len(pairs), 1600), "targets": targets}
    recognizer = ScriptedRecognizer(list(hypotheses))
    collected = collect_transcripts(recognizer, iter([batch]), CPU, {"sample_rate": 8000})
    expected = [float(WordErrorRate()(h, r)) for h, r in pairs]
    assert collected["wer"] == pytest.approx(expected)
    assert collected["corpus_wer"] == pytest.approx(
        float(WordErrorRate()(list(hypotheses), list(references)))
    )
    drawer("transcripts")(collected, tmp_path)
    shown = json.loads((tmp_path / "transcripts.json").read_text())["samples"]
    assert [sample["wer"] for sample in shown] == pytest.approx(expected)


@pytest.mark.parametrize("objective", ["autoregressive", "ctc"])
def test_transcripts_of_a_real_model_score_as_its_evaluator(objective, tmp_path) -> None:
    spec = (EXAMPLES / "audio" / "speech_recognizer.yaml" if objective == "autoregressive"
            else ctc_speech_spec(tmp_path))  # fmt: skip
    model, batch, info, _, task = fresh_model_and_batch(spec)
    evaluate = {"speech_recognition": evaluate_speech_seq2seq,
                "speech_recognition_ctc": evaluate_speech_ctc}[task]  # fmt: skip
    with torch.no_grad():
        collected = collect_transcripts(model, iter([batch]), CPU, info)
        first = {k: v[: len(collected["references"])] for k, v in batch.items()}
        assert collected["corpus_wer"] == pytest.approx(evaluate(model, [first], CPU)["wer"])
    for hypothesis, reference, error in zip(
        collected["hypotheses"], collected["references"], collected["wer"], strict=True
    ):
        assert error == pytest.approx(float(WordErrorRate()(hypothesis, reference)))
    mels = collected["log_mel"]
    assert mels.shape[:2] == (len(first["waveform"]), model.config.n_mels)
    drawer("transcripts")(collected, tmp_path)
    assert (tmp_path / "transcripts.png").is_file()
