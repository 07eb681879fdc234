"""Which held-out metric of each runtime task a trained model must beat, and which trivial
baseline, reported beside it by that task's evaluator, it is compared with."""

# task -> (headline metric, the same metric of a model that learned nothing from the inputs,
# whether higher is better). Plain tuples: bundled modules make no calls at import time.
BASELINE_COMPARISONS: dict[str, tuple[str, str, bool]] = {
    "classification": ("accuracy", "majority_class_accuracy", True),
    "regression": ("rmse", "mean_predictor_rmse", False),
    "embedding": ("recall_at_1", "chance_recall_at_1", True),
    "ranking": ("ndcg_at_10", "random_ndcg_at_10", True),
    "semantic_segmentation": ("mean_iou", "baseline_mean_iou", True),
    "panoptic_segmentation": ("pq", "baseline_pq", True),
    "time_series_forecast": ("mase", "naive_mase", False),
    "anomaly_detection": ("roc_auc", "random_roc_auc", True),
    "sequence_labeling": ("entity_f1", "all_o_entity_f1", True),
    "speech_recognition": ("wer", "constant_transcript_wer", False),
    "speech_recognition_ctc": ("wer", "constant_transcript_wer", False),
    # Galleries repeat captions (many images fit "a red circle"), so the headline asks whether
    # the image a caption retrieves fits that caption, not whether it is the one it came with.
    "contrastive": ("same_caption_at_1_text_to_image", "chance_same_caption_at_1", True),
    "vlm": ("loss", "unigram_entropy_nats", False),
    "language_modeling": ("loss", "unigram_entropy_nats", False),
    "masked_lm": ("loss", "unigram_baseline_loss", False),
    "audio_generation": ("loss", "unigram_entropy_nats", False),
    "diffusion": ("loss", "zero_noise_mse", False),
    "dense_detection": ("map", "no_detections_map", True),
    "set_detection": ("map", "no_detections_map", True),
    "instance_segmentation": ("mask_map", "mask_no_detections_map", True),
}


def compare_with_baseline(task: str, results: dict) -> dict:
    """The task's headline metric beside its trivial baseline's, from one evaluator's results.
    A metric the evaluator could not measure (a string saying why) is passed on, unjudged."""
    if task not in BASELINE_COMPARISONS:
        raise ValueError(f"no baseline comparison for task {task!r}")
    metric, baseline_metric, higher_is_better = BASELINE_COMPARISONS[task]
    value, baseline = results.get(metric), results.get(baseline_metric)
    comparison = {
        "metric": metric,
        "value": value,
        "baseline": baseline_metric,
        "baseline_value": baseline,
        "higher_is_better": higher_is_better,
    }
    if not (isinstance(value, float | int) and isinstance(baseline, float | int)):
        comparison["beats_baseline"] = None
        return comparison
    better = value > baseline if higher_is_better else value < baseline
    comparison["beats_baseline"] = bool(better)
    return comparison
