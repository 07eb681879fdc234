"""The default text classifier on a real corpus: five topics of Debian's fortune cookies
(fortune_topics.py), in three sets: the topics the defaults were developed on, the five whose
834 training texts showed fastText's 5 passes over words seen twice undertrained a small set
(handlers/tasks/task_encoders.py), and five that no default was chosen on. Slow: `metagen train` of the example spec with no scale, step or size
flag, on Ludwig's split (72/8/20, seed 42: the test fifth held out here, the validation
eighth of the rest split off by the reader), scored by the generated infer.py on the test
fifth against the majority class and TF-IDF with a linear model (scikit-learn), each trained
on the same 80%. Fast: the model trained in-process on a slice beats the majority class."""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F
from tests.e2e.runs import metagen_train, read_json, run_script
from tests.paths import EXAMPLES
from tests.tasks.classification.fortune_topics import fortune_topics, write_labelled_csv

from metagen.archs.fasttext.model import FastText, FastTextConfig
from metagen.archs.fasttext.shapes import SMOKE_FASTTEXT
from metagen.data.text_records import text_classification_datasets
from metagen.handlers.tasks.task_encoders import WORD_BAG_TRAIN

TRAINING_SECONDS = 120  # train.py's own wall time (metrics.json's wall_seconds)
# How far below scikit-learn's TF-IDF + LinearSVC (unigrams and bigrams, sublinear tf) the
# default may land. Issue 17's bar is hand-tuned Ludwig, which cannot run here (it needs a
# torchvision and a torchaudio that do not work with this torch); on the news corpus
# it sat 2.0 points below that SVM (96.9% against 98.9%), so the default must come within 2.5
# points of it, and beat TF-IDF + logistic regression outright.
SVM_MARGIN = 0.025
PASSES = 5  # the in-process slice's
TOPIC_SETS = {
    "developed_on": ("computers", "politics", "science", "songs-poems", "work"),
    "small_set": ("law", "food", "startrek", "education", "drugs"),
    "never_tuned_on": ("art", "literature", "linux", "wisdom", "zippy"),
}


def split(texts: list[str], labels: list[str], test_size: float, seed: int = 42):
    from sklearn.model_selection import train_test_split

    return train_test_split(texts, labels, test_size=test_size, random_state=seed, stratify=labels)


def tfidf_accuracies(train_x, train_y, test_x, test_y) -> dict[str, float]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
    train_features = vectorizer.fit_transform(train_x)
    test_features = vectorizer.transform(test_x)
    scores = {}
    for name, model in (("svm", LinearSVC()), ("logistic", LogisticRegression(max_iter=2000))):
        model.fit(train_features, train_y)
        hits = [p == y for p, y in zip(model.predict(test_features), test_y, strict=True)]
        scores[name] = sum(hits) / len(hits)
    return scores


@pytest.mark.slow
@pytest.mark.parametrize("topic_set", sorted(TOPIC_SETS))
def test_the_default_text_classifier_on_five_fortune_topics(topic_set, tmp_path) -> None:
    texts, topics = fortune_topics(topics=TOPIC_SETS[topic_set])
    assert len(texts) >= 1_000
    train_x, test_x, train_y, test_y = split(texts, topics, test_size=0.2)
    train_csv = write_labelled_csv(tmp_path / "fortunes_train.csv", train_x, train_y)
    test_csv = write_labelled_csv(tmp_path / "fortunes_test.csv", test_x, test_y)
    spec = EXAMPLES / "text" / "text_classifier.yaml"
    done, _ = metagen_train(str(spec), "--data", str(train_csv), "--out", str(tmp_path / "runs"),
                            timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    (run,) = (tmp_path / "runs").iterdir()
    metrics = read_json(run / "train" / "full" / "metrics.json")
    predictions = tmp_path / "predictions.jsonl"
    run_script(run / "code", "infer.py", "--checkpoint", str(run / "train" / "full"),
               str(test_csv), "--out", str(predictions))  # fmt: skip
    rows = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(test_y)
    accuracy = sum(row["label"] == y for row, y in zip(rows, test_y, strict=True)) / len(test_y)
    majority = max(test_y.count(topic) for topic in set(test_y)) / len(test_y)
    tfidf = tfidf_accuracies(train_x, train_y, test_x, test_y)
    print(f"fortune topics {topic_set}: test accuracy {accuracy:.4f}, majority {majority:.4f}, TF-IDF "
          f"{tfidf}, training {metrics['wall_seconds']:.1f} s")  # fmt: skip
    assert accuracy > majority + 0.2, (accuracy, majority)
    assert accuracy > tfidf["logistic"], (accuracy, tfidf)
    assert accuracy >= tfidf["svm"] - SVM_MARGIN, (accuracy, tfidf)
    assert metrics["wall_seconds"] <= TRAINING_SECONDS, metrics["wall_seconds"]


def test_fasttext_learns_fortune_topics_from_a_slice(tmp_path) -> None:
    texts, topics = fortune_topics(per_topic=120)
    train_x, test_x, train_y, test_y = split(texts, topics, test_size=0.25)
    folder = tmp_path / "slice"
    folder.mkdir()
    write_labelled_csv(folder / "train.csv", train_x, train_y)
    write_labelled_csv(folder / "val.csv", test_x, test_y)
    cfg = {"kind": "text", "tokenizer": "word", "vocab_size": 8_192, "seq_len": 1_024}
    train, held_out, info = text_classification_datasets(cfg, str(folder), 0)
    torch.manual_seed(0)
    dims = {**SMOKE_FASTTEXT, "vocab_size": info["vocab_size"], "num_outputs": 5}
    model = FastText(FastTextConfig(**dims))
    optimizer = torch.optim.AdamW(model.parameters(), lr=WORD_BAG_TRAIN["lr"], weight_decay=0.0)
    batch = WORD_BAG_TRAIN["batch_size"]
    for _ in range(PASSES):
        for start in range(0, len(train), batch):
            rows = train[start : start + batch]
            loss = F.cross_entropy(model(rows["input_ids"], rows["attention_mask"]), rows["labels"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        tensors = held_out.tensors
        predicted = model(tensors["input_ids"], tensors["attention_mask"]).argmax(-1)
    accuracy = float((predicted == tensors["labels"]).float().mean())
    majority = float(torch.bincount(tensors["labels"]).max()) / len(held_out)
    assert accuracy > majority + 0.2, (accuracy, majority)
