"""The plots of regressors, rankers, recommenders, link predictors and the classifiers of
graphs, nodes, fused inputs and tagged words show measured numbers: each collector, run on
the same held-out batches as its task's evaluator, reproduces the evaluator's metric, and
each drawer's JSON (what the picture shows) equals scikit-learn's value on the saved
predictions."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn import metrics as skm
from tests.report.held_out import example_of_each_task

from metagen.archs.build import build_from_dims
from metagen.codegen.package import config_json
from metagen.planning import make_blueprint
from metagen.report.plots import drawer
from metagen.report.plots.regression import fit_scores
from metagen.report.predictions import load_predictions, save_predictions
from metagen.spec import load_spec
from metagen.tasks.registry import runtime_task
from metagen.tasks.runtime import build_datasets, resolve
from metagen.tasks.sequence_labeling.predictions import tag_marginals

CPU = torch.device("cpu")


def held_out_batches(task: str, batches: int = 2, data: dict | None = None, source="synthetic"):
    """(a fresh smoke model of `task`'s smallest example, its first held-out batches, info),
    the model's data-decided dims fitted to the data as training fits them."""
    config = json.loads(config_json(make_blueprint(load_spec(example_of_each_task()[task]))))
    scale = config["scales"]["smoke"]
    _, val, info = build_datasets(task, {**scale["data"], **(data or {})}, source, 0)
    dims = dict(scale["model"])
    dims.update({k: v for k, v in info.get("fit_dims", {}).items() if k in dims})
    torch.manual_seed(0)
    model = build_from_dims(config["arch"], dims).eval()
    loader = torch.utils.data.DataLoader(
        val, batch_size=scale["train"]["batch_size"], collate_fn=getattr(val, "collate", None)
    )
    return model, list(itertools.islice(loader, batches)), info


def collected_and_evaluated(task: str, **kwargs) -> tuple[dict, dict]:
    """(the task's collector's predictions, its evaluator's metrics) on the same batches."""
    model, batches, info = held_out_batches(task, **kwargs)
    row = runtime_task(task)
    with torch.no_grad():
        collected = resolve(row.predictions)(model, batches, CPU, info)
        metrics = resolve(row.evaluator)(model, batches, CPU)
    return collected, metrics


def drawn(predictions: dict, tmp_path: Path) -> tuple[dict, dict]:
    """(the predictions as saved and read back, {plot name: its JSON}) of the kind's drawer."""
    saved = load_predictions(save_predictions(predictions, tmp_path / "predictions"))
    out = tmp_path / "plots"
    out.mkdir()
    paths = drawer(saved["kind"])(saved, out)
    return saved, {p.stem: json.loads(p.with_suffix(".json").read_text()) for p in paths}


@pytest.mark.parametrize("task", ["regression", "fusion_regression"])
def test_regression_plot_scores_the_points_it_draws(task, tmp_path) -> None:
    collected, metrics = collected_and_evaluated(task)
    saved, plots = drawn(collected, tmp_path)
    outputs = plots["predicted_vs_true"]["outputs"]
    assert [o["name"] for o in outputs] == saved["target_names"]
    for k, output in enumerate(outputs):
        # float64, as the drawer computes (scikit-learn keeps float32 in float32)
        true, predicted = saved["true"][:, k].astype(float), saved["predicted"][:, k].astype(float)
        np.testing.assert_allclose(output["true"], true)
        np.testing.assert_allclose(output["predicted"], predicted)
        assert output["r2"] == pytest.approx(skm.r2_score(true, predicted), abs=1e-9)
        assert output["rmse"] == pytest.approx(skm.root_mean_squared_error(true, predicted))
        assert output["mae"] == pytest.approx(skm.mean_absolute_error(true, predicted))
    # in the evaluator's units: its metrics average the outputs' (float32 predictions)
    assert np.mean([o["r2"] for o in outputs]) == pytest.approx(metrics["r2"], abs=1e-5)
    assert np.mean([o["rmse"] for o in outputs]) == pytest.approx(metrics["rmse"], rel=1e-5)


def test_regression_values_are_in_target_units() -> None:
    collected, _ = collected_and_evaluated("regression")
    model, batches, info = held_out_batches("regression")
    targets = torch.cat([b["targets"] for b in batches])
    expected = targets * torch.tensor(info["target_std"]) + torch.tensor(info["target_mean"])
    torch.testing.assert_close(collected["true"], expected.float())


def test_a_constant_truth_scores_as_scikit_learn_does() -> None:
    truth = np.full(5, 2.0)
    for predicted in (truth, truth + np.arange(5)):
        assert fit_scores(predicted, truth)["r2"] == skm.r2_score(truth, predicted)


def test_ranking_plot_holds_each_lists_ndcg(tmp_path) -> None:
    collected, metrics = collected_and_evaluated("ranking")
    saved, plots = drawn(collected, tmp_path)
    k = saved["k"]
    assert saved["ndcg"].mean() == pytest.approx(metrics[f"ndcg_at_{k}"], abs=1e-12)
    assert saved["random_ndcg"].mean() == pytest.approx(metrics[f"random_ndcg_at_{k}"])
    for index, ndcg in enumerate(saved["ndcg"]):
        mine = saved["list_index"] == index
        grades, scores = saved["grades"][mine], saved["scores"][mine]
        assert ndcg == pytest.approx(skm.ndcg_score([grades], [scores], k=k), abs=1e-6)
    shown = plots["ranking"]
    assert shown[f"ndcg_at_{k}"]["mean"] == pytest.approx(float(saved["ndcg"].mean()))
    assert sum(shown[f"ndcg_at_{k}"]["counts"]) == metrics["num_lists"]
    boxes = shown["scores_by_grade"]
    for grade, median, count in zip(boxes["grades"], boxes["median"], boxes["count"], strict=True):
        in_grade = saved["scores"][saved["grades"] == grade]
        assert (median, count) == (pytest.approx(np.median(in_grade)), len(in_grade))


def test_recommendation_plot_holds_each_users_recall(tmp_path) -> None:
    collected, metrics = collected_and_evaluated("recommendation")
    saved, plots = drawn(collected, tmp_path)
    assert saved["recall"].mean() == pytest.approx(metrics["recall_at_10"], abs=1e-12)
    assert saved["popularity_recall"].mean() == pytest.approx(
        metrics["popularity_recall_at_10"], abs=1e-12
    )
    shown = plots["recommendation_hits"]["recall"]
    assert shown["model"]["mean"] == pytest.approx(metrics["recall_at_10"])
    assert sum(shown["model"]["counts"]) == metrics["num_users"] == len(saved["recall"])
    held = plots["recommendation_hits"]["scores"]["groups"]["held-out items"]
    assert sum(held["counts"]) == len(saved["held_out_scores"]) > 0


def test_link_prediction_plot_separates_edges_with_the_evaluators_auc(tmp_path) -> None:
    collected, metrics = collected_and_evaluated("link_prediction")
    saved, plots = drawn(collected, tmp_path)
    roc = plots["score_separation"]["roc"]
    edges = saved["labels"] == 1
    assert roc["model"]["auc"] == pytest.approx(skm.roc_auc_score(edges, saved["scores"]))
    assert roc["model"]["auc"] == pytest.approx(metrics["auc"], abs=1e-6)
    baseline = skm.roc_auc_score(edges, saved["baseline_scores"])
    assert roc["common neighbours"]["auc"] == pytest.approx(baseline)
    assert baseline == pytest.approx(metrics["common_neighbours_auc"])
    groups = plots["score_separation"]["histograms"]["groups"]
    assert sum(groups["edge"]["counts"]) == int(edges.sum())
    assert sum(groups["non-edge"]["counts"]) == int((~edges).sum())


@pytest.mark.parametrize(
    ("task", "count"),
    [("graph_classification", "num_graphs"), ("node_classification", "num_nodes"),
     ("fusion_classification", "num_samples")],
)  # fmt: skip
def test_classifier_scores_are_the_evaluators(task, count) -> None:
    collected, metrics = collected_and_evaluated(task)
    probabilities, labels = collected["probabilities"], collected["labels"]
    assert collected["kind"] == "class_scores" and len(labels) == metrics[count]
    torch.testing.assert_close(probabilities.sum(-1), torch.ones(len(labels)))
    accuracy = float((probabilities.argmax(-1) == labels).double().mean())
    assert accuracy == pytest.approx(metrics["accuracy"])


def test_tagger_scores_every_word_with_its_gold_tag() -> None:
    collected, metrics = collected_and_evaluated("sequence_labeling")
    _, batches, info = held_out_batches("sequence_labeling")
    gold = torch.cat([b["targets"][b["targets"] != -100] for b in batches])
    assert torch.equal(collected["labels"], gold)
    assert collected["class_names"] == info["tag_names"]
    torch.testing.assert_close(collected["probabilities"].sum(-1), torch.ones(len(gold)))
    assert collected["probabilities_from"] == "CRF tag marginals"  # the example has a CRF
    # the confusion matrix counts the tags the evaluator scores: the Viterbi path's
    assert collected["predicted"].shape == gold.shape


def test_a_taggers_confusion_matrix_counts_its_viterbi_tags(tmp_path) -> None:
    import json

    from metagen.report.plots.class_scores import draw

    collected, _ = collected_and_evaluated("sequence_labeling")
    draw({k: v.numpy() if isinstance(v, torch.Tensor) else v for k, v in collected.items()},
         tmp_path)  # fmt: skip
    counts = json.loads((tmp_path / "confusion_matrix.json").read_text())["counts"]
    for true, guess in ((0, 0), (1, 0), (0, 1)):
        recount = ((collected["labels"] == true) & (collected["predicted"] == guess)).sum()
        assert counts[true][guess] == int(recount)


def test_crf_marginals_are_those_of_every_tag_sequence_enumerated() -> None:
    generator = torch.Generator().manual_seed(0)
    emissions = torch.randn(2, 3, 3, generator=generator)  # (B, T, K)
    start, end = torch.randn(3, generator=generator), torch.randn(3, generator=generator)
    transitions = torch.randn(3, 3, generator=generator)
    mask = torch.tensor([[True, True, True], [True, True, False]])
    outputs = {"emissions": emissions, "transitions": transitions,
               "start_transitions": start, "end_transitions": end}  # fmt: skip
    marginals = tag_marginals(outputs, mask)
    for b in range(2):
        length = int(mask[b].sum())
        expected = torch.zeros(length, 3, dtype=torch.float64)
        paths = list(itertools.product(range(3), repeat=length))
        weights = torch.stack(
            [_path_score(emissions[b], start, transitions, end, p) for p in paths]
        )
        weights = (weights - weights.logsumexp(0)).exp()
        for path, weight in zip(paths, weights, strict=True):
            expected[torch.arange(length), torch.tensor(path)] += weight
        torch.testing.assert_close(marginals[b, :length].double(), expected, atol=1e-5, rtol=0)


def _path_score(emissions, start, transitions, end, path) -> torch.Tensor:
    score = start[path[0]] + end[path[-1]] + sum(emissions[t, tag] for t, tag in enumerate(path))
    return score + sum(transitions[a, b] for a, b in itertools.pairwise(path))
