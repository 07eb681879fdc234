"""Training losses per task: loss_fn(outputs, batch) -> scalar tensor."""

import torch.nn.functional as F

from metagen.train.condinst_masks import instance_segmentation_loss
from metagen.train.detection_losses import dense_detection_loss, set_detection_loss
from metagen.train.diffusion_loss import denoising_loss
from metagen.train.multimodal_losses import caption_loss, contrastive_loss
from metagen.train.record_losses import embedding_loss, ranking_loss, regression_loss
from metagen.train.segmentation_losses import panoptic_segmentation_loss, semantic_segmentation_loss
from metagen.train.series_losses import anomaly_reconstruction_loss, forecast_loss
from metagen.train.speech_losses import speech_ctc_loss, speech_seq2seq_loss
from metagen.train.tagging_loss import sequence_labeling_loss


def language_modeling_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    logits = outputs  # (B, T, V)
    targets = batch["targets"]  # (B, T)
    return F.cross_entropy(
        logits.reshape(-1, logits.size(-1)).float(),
        targets.reshape(-1),
        label_smoothing=label_smoothing,
    )


def masked_lm_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    """Cross-entropy over the masked positions only: targets are -100 everywhere else."""
    logits = outputs  # (B, T, V)
    targets = batch["targets"]  # (B, T), -100 where nothing is predicted
    return F.cross_entropy(
        logits.reshape(-1, logits.size(-1)).float(),
        targets.reshape(-1),
        ignore_index=-100,
        label_smoothing=label_smoothing,
    )


def classification_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    return F.cross_entropy(outputs.float(), batch["labels"], label_smoothing=label_smoothing)


LOSSES = {
    "regression": regression_loss,
    "embedding": embedding_loss,
    "ranking": ranking_loss,
    "semantic_segmentation": semantic_segmentation_loss,
    "panoptic_segmentation": panoptic_segmentation_loss,
    "time_series_forecast": forecast_loss,
    "anomaly_detection": anomaly_reconstruction_loss,
    "sequence_labeling": sequence_labeling_loss,
    "speech_recognition": speech_seq2seq_loss,
    "speech_recognition_ctc": speech_ctc_loss,
    "contrastive": contrastive_loss,
    "vlm": caption_loss,
    "language_modeling": language_modeling_loss,
    "masked_lm": masked_lm_loss,
    "classification": classification_loss,
    # next mu-law sample: the same cross-entropy as next-token language modelling
    "audio_generation": language_modeling_loss,
    "diffusion": denoising_loss,
    "dense_detection": dense_detection_loss,
    "set_detection": set_detection_loss,
    "instance_segmentation": instance_segmentation_loss,
}
