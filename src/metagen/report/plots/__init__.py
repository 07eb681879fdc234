"""PNG plots of a trained run, drawn with matplotlib (MetaGen's `plots` extra) from the run's
own files: its metrics.json for the curves, its predictions/ for the task's plots.

Each drawer is report/plots/<kind>.py's `draw(predictions, out_dir) -> list[Path]`, where
`kind` is what the task's collector names. Beside each PNG a drawer writes the numbers it
plotted as <name>.json, so a test or the report reads the same values the picture shows."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

PLOTS_DIR = "plots"

# What each plot shows, by its file's stem, for the report's and the paper's captions.
CAPTIONS = {
    "loss": "Training loss (running mean) and validation loss against the step.",
    "learning_rate": "The learning rate the schedule set at each step.",
    "headline": "The headline held-out metric at each evaluation, beside the trivial baseline.",
    "confusion_matrix": "Confusion matrix on held-out data, each true class's row normalised.",
    "per_class": "Precision, recall and F1 per class on held-out data.",
    "pr_roc_curves": "Precision-recall and ROC curves, each class against the rest.",
    "samples": "Held-out pictures with the predicted class and its probability.",
    "predicted_vs_true": "Predicted against true values on held-out data.",
    "anomaly_scores": "Anomaly scores of normal and anomalous held-out windows, with the "
    "threshold, and the ROC curve.",
    "forecasts": "Held-out windows: history, truth, the forecast and the seasonal-naive one.",
    "forecast_error_by_step": "Mean absolute error at each step of the horizon.",
    "score_separation": "Scores of held-out edges and non-edges, and the ROC curves.",
    "ranking": "Predicted scores by relevance grade, and NDCG@10 per held-out list.",
    "recommendation_hits": "Recall@10 per held-out user, beside the popularity baseline.",
    "box_pr_curves": "Precision-recall curves per class at IoU 0.5 (boxes).",
    "mask_pr_curves": "Precision-recall curves per class at IoU 0.5 (masks).",
    "detection_samples": "Held-out pictures with predicted (solid) and true (dashed) boxes.",
    "mask_samples": "Held-out pictures: true masks (left) and predicted masks (right).",
    "segmentation_samples": "Held-out pictures with the true and the predicted segmentation.",
    "per_class_iou": "Intersection over union per class on held-out pixels.",
    "generated_text": "Held-out prompts, the model's text and the reference.",
    "generated_pictures": "Held-out pictures with the text the model wrote for them.",
    "diffusion_samples": "Samples drawn for held-out captions, above the held-out pictures.",
    "audio_spectrograms": "Spectrograms of held-out prompts continued by the reference and by "
    "the model.",
    "transcripts": "Held-out clips' log-mel features with transcript, reference and WER.",
    "similarity_matrix": "Cosine similarities within a held-out batch.",
    "retrieval_examples": "The top three items retrieved for held-out queries.",
}


def caption(stem: str) -> str:
    return CAPTIONS.get(stem, stem.replace("_", " ").capitalize() + ".")


def drawer(kind: str):
    """report/plots/<kind>.py's draw function."""
    return importlib.import_module(f"{__name__}.{kind}").draw


def draw_plots(
    metrics: dict[str, Any], predictions: dict[str, Any] | None, out_dir: Path
) -> list[Path]:
    """Every plot of one run into `out_dir`: its curves, then its task's predictions."""
    from metagen.report.plots.curves import draw_curves

    out_dir.mkdir(parents=True, exist_ok=True)
    drawn = draw_curves(metrics, out_dir)
    if predictions is not None:
        drawn += drawer(predictions["kind"])(predictions, out_dir)
    return drawn
