"""Which held-out metric of each runtime task a trained model must beat, and which trivial
baseline, reported beside it by that task's evaluator, it is compared with."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BaselineComparison:
    metric: str
    baseline: str  # the same metric of a model that learned nothing from the inputs
    higher_is_better: bool


BASELINE_COMPARISONS = {
    "classification": BaselineComparison("accuracy", "majority_class_accuracy", True),
    "regression": BaselineComparison("rmse", "mean_predictor_rmse", False),
    "embedding": BaselineComparison("recall_at_1", "chance_recall_at_1", True),
    "ranking": BaselineComparison("ndcg_at_10", "random_ndcg_at_10", True),
    "semantic_segmentation": BaselineComparison("mean_iou", "baseline_mean_iou", True),
    "panoptic_segmentation": BaselineComparison("pq", "baseline_pq", True),
    "time_series_forecast": BaselineComparison("mase", "naive_mase", False),
    "anomaly_detection": BaselineComparison("roc_auc", "random_roc_auc", True),
    "sequence_labeling": BaselineComparison("entity_f1", "all_o_entity_f1", True),
    "speech_recognition": BaselineComparison("wer", "constant_transcript_wer", False),
    "speech_recognition_ctc": BaselineComparison("wer", "constant_transcript_wer", False),
    # Galleries repeat captions (many images fit "a red circle"), so the headline asks whether
    # the image a caption retrieves fits that caption, not whether it is the one it came with.
    "contrastive": BaselineComparison(
        "same_caption_at_1_text_to_image", "chance_same_caption_at_1", True
    ),
    "vlm": BaselineComparison("loss", "unigram_entropy_nats", False),
    "language_modeling": BaselineComparison("loss", "unigram_entropy_nats", False),
    "masked_lm": BaselineComparison("loss", "unigram_baseline_loss", False),
    "audio_generation": BaselineComparison("loss", "unigram_entropy_nats", False),
    "diffusion": BaselineComparison("loss", "zero_noise_mse", False),
    "dense_detection": BaselineComparison("map", "no_detections_map", True),
    "set_detection": BaselineComparison("map", "no_detections_map", True),
    "instance_segmentation": BaselineComparison("mask_map", "mask_no_detections_map", True),
}


def compare_with_baseline(task: str, results: dict) -> dict:
    """The task's headline metric beside its trivial baseline's, from one evaluator's results.
    A metric the evaluator could not measure (a string saying why) is passed on, unjudged."""
    if task not in BASELINE_COMPARISONS:
        raise ValueError(f"no baseline comparison for task {task!r}")
    rule = BASELINE_COMPARISONS[task]
    value, baseline = results.get(rule.metric), results.get(rule.baseline)
    comparison = {
        "metric": rule.metric,
        "value": value,
        "baseline": rule.baseline,
        "baseline_value": baseline,
        "higher_is_better": rule.higher_is_better,
    }
    if not (isinstance(value, float | int) and isinstance(baseline, float | int)):
        comparison["beats_baseline"] = None
        return comparison
    better = value > baseline if rule.higher_is_better else value < baseline
    comparison["beats_baseline"] = bool(better)
    return comparison
