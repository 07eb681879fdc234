"""One row per runtime task: its data builders, loss, evaluator and headline metric.

A runtime task is what training optimises (`blueprint.task`, config.json's `task`). Its
runtime parts are named by string, `"module:function"`, so that planning and codegen never
import torch: codegen reads the named functions' source into the generated package, and the
library (`tasks/runtime.py`) imports them when it trains or evaluates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class RuntimeTask:
    name: str
    # data kind (config.json's data "kind", set by the modality handler) -> the function that
    # builds (train, held-out, info) from synthetic data or a user's path
    datasets: Mapping[str, str]
    loss: str  # loss(outputs, batch, **options) -> scalar tensor
    evaluator: str  # evaluator(model, batches, device) -> held-out metrics
    # (headline metric, the same metric of a trivial baseline, higher is better): a trained
    # model must beat the baseline, reported beside it by the evaluator
    headline: tuple[str, str, bool]
    # packages beyond torch and numpy that the task's runtime parts import
    requirements: tuple[str, ...] = field(default=())


def _row(
    name: str,
    datasets: dict[str, str],
    loss: str,
    evaluator: str,
    headline: tuple[str, str, bool],
    requirements: tuple[str, ...] = (),
) -> RuntimeTask:
    return RuntimeTask(name, MappingProxyType(datasets), loss, evaluator, headline, requirements)


D, T, E = "metagen.data.", "metagen.train.", "metagen.evaluate."
RECORDS = {kind: f"{D}{kind}_records" for kind in ("tabular", "text", "series")}

TASKS: dict[str, RuntimeTask] = {
    row.name: row
    for row in (
        _row(
            "classification",
            {
                "image": f"{D}image_classification:image_classification_datasets",
                "audio": f"{D}audio_data:audio_classification_datasets",
                "video": f"{D}video_builders:build_video_classification",
                **{kind: f"{m}:{kind}_classification_datasets" for kind, m in RECORDS.items()},
            },
            f"{T}losses:classification_loss",
            f"{E}classification_eval:evaluate_classifier",
            ("accuracy", "majority_class_accuracy", True),
        ),
        _row(
            "regression",
            {kind: f"{m}:{kind}_regression_datasets" for kind, m in RECORDS.items()},
            f"{T}record_losses:regression_loss",
            f"{E}record_eval:evaluate_regression",
            ("rmse", "mean_predictor_rmse", False),
        ),
        _row(
            "embedding",
            {kind: f"{m}:{kind}_embedding_datasets" for kind, m in RECORDS.items()},
            f"{T}record_losses:embedding_loss",
            f"{E}record_eval:evaluate_embedding",
            ("recall_at_1", "chance_recall_at_1", True),
        ),
        _row(
            "ranking",
            {
                "tabular": f"{D}tabular_records:tabular_ranking_datasets",
                "text": f"{D}text_records:text_ranking_datasets",
            },
            f"{T}record_losses:ranking_loss",
            f"{E}record_eval:evaluate_ranking",
            ("ndcg_at_10", "random_ndcg_at_10", True),
        ),
        _row(
            "semantic_segmentation",
            {"image": f"{D}segmentation_data:build_semantic_datasets"},
            f"{T}segmentation_losses:semantic_segmentation_loss",
            f"{E}segmentation_eval:evaluate_semantic_segmentation",
            ("mean_iou", "baseline_mean_iou", True),
        ),
        _row(
            "panoptic_segmentation",
            {"image": f"{D}segmentation_data:build_panoptic_datasets"},
            f"{T}segmentation_losses:panoptic_segmentation_loss",
            f"{E}panoptic_eval:evaluate_panoptic_segmentation",
            ("pq", "baseline_pq", True),
        ),
        _row(
            "time_series_forecast",
            {"forecast": f"{D}forecast_data:build_forecast_datasets"},
            f"{T}series_losses:forecast_loss",
            f"{E}forecast_eval:evaluate_forecaster",
            ("mase", "naive_mase", False),
        ),
        _row(
            "anomaly_detection",
            {
                kind: f"{D}anomaly_data:build_anomaly_datasets"
                for kind in ("series_window", "tabular")
            },
            f"{T}series_losses:anomaly_reconstruction_loss",
            f"{E}anomaly_eval:evaluate_anomaly_detector",
            ("roc_auc", "random_roc_auc", True),
        ),
        _row(
            "sequence_labeling",
            {"tagging": f"{D}tagging_data:build_tagging_datasets"},
            f"{T}tagging_loss:sequence_labeling_loss",
            f"{E}tagging_eval:evaluate_tagger",
            ("entity_f1", "all_o_entity_f1", True),
        ),
        _row(
            "speech_recognition",
            {"audio": f"{D}speech_data:build_speech_datasets"},
            f"{T}speech_losses:speech_seq2seq_loss",
            f"{E}speech_eval:evaluate_speech_seq2seq",
            ("wer", "constant_transcript_wer", False),
        ),
        _row(
            "speech_recognition_ctc",
            {"audio": f"{D}speech_data:build_ctc_speech_datasets"},
            f"{T}speech_losses:speech_ctc_loss",
            f"{E}speech_eval:evaluate_speech_ctc",
            ("wer", "constant_transcript_wer", False),
        ),
        _row(
            "contrastive",
            {"image_text": f"{D}image_captions:build_contrastive_datasets"},
            f"{T}multimodal_losses:contrastive_loss",
            f"{E}multimodal_eval:evaluate_contrastive",
            # Galleries repeat captions (many images fit "a red circle"), so the headline asks
            # whether the image a caption retrieves fits that caption, not whether it is the
            # one it came with.
            ("same_caption_at_1_text_to_image", "chance_same_caption_at_1", True),
        ),
        _row(
            "vlm",
            {"image_text": f"{D}image_captions:build_vlm_datasets"},
            f"{T}multimodal_losses:caption_loss",
            f"{E}multimodal_eval:evaluate_captioning",
            ("loss", "unigram_entropy_nats", False),
        ),
        _row(
            "language_modeling",
            {"text": f"{D}lm_data:language_model_datasets"},
            f"{T}losses:language_modeling_loss",
            f"{E}lm_eval:evaluate_language_model",
            ("loss", "unigram_entropy_nats", False),
        ),
        _row(
            "masked_lm",
            {"text": f"{D}masked_text:build_masked_lm_datasets"},
            f"{T}losses:masked_lm_loss",
            f"{E}masked_lm:evaluate_masked_lm",
            ("loss", "unigram_baseline_loss", False),
        ),
        _row(
            "audio_generation",
            {"audio": f"{D}audio_data:audio_generation_datasets"},
            # next mu-law sample: the same cross-entropy as next-token language modelling
            f"{T}losses:language_modeling_loss",
            f"{E}audio_generation:evaluate_audio_generation",
            ("loss", "unigram_entropy_nats", False),
        ),
        _row(
            "diffusion",
            {
                "image": f"{D}diffusion_data:image_diffusion_datasets",
                "video": f"{D}video_diffusion_data:build_video_diffusion",
            },
            f"{T}diffusion_loss:denoising_loss",
            f"{E}diffusion_eval:evaluate_denoiser",
            ("loss", "zero_noise_mse", False),
        ),
        _row(
            "dense_detection",
            {"image": f"{D}detection_data:build_detection_datasets"},
            f"{T}detection_losses:dense_detection_loss",
            f"{E}detection_eval:evaluate_dense_detection",
            ("map", "no_detections_map", True),
        ),
        _row(
            "set_detection",
            {"image": f"{D}detection_data:build_detection_datasets"},
            f"{T}detection_losses:set_detection_loss",
            f"{E}detection_eval:evaluate_set_detection",
            ("map", "no_detections_map", True),
            requirements=("scipy>=1.10",),  # DETR's Hungarian matching
        ),
        _row(
            "instance_segmentation",
            {"image": f"{D}detection_data:build_detection_datasets"},
            f"{T}condinst_masks:instance_segmentation_loss",
            f"{E}instance_eval:evaluate_instance_segmentation",
            ("mask_map", "mask_no_detections_map", True),
        ),
    )
}


def runtime_task(name: str) -> RuntimeTask:
    if name not in TASKS:
        raise ValueError(f"unknown runtime task {name!r}; known tasks: {sorted(TASKS)}")
    return TASKS[name]


def datasets_ref(task: RuntimeTask, kind: str | None) -> str:
    """The data builder of `task` for input `kind`, or a ValueError naming the kinds it reads."""
    if kind is None or kind not in task.datasets:
        raise ValueError(
            f"no {task.name} data for input kind {kind!r}; {task.name} reads "
            f"{', '.join(sorted(task.datasets))}"
        )
    return task.datasets[kind]


def split_ref(ref: str) -> tuple[str, str]:
    """("metagen.data.lm_data", "language_model_datasets") from "module:function"."""
    module, _, name = ref.partition(":")
    return module, name
