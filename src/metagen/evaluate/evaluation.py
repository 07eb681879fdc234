"""Held-out evaluation per task, dispatched through EVALUATORS."""

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader

from metagen.data.batch import model_inputs, move_batch
from metagen.data.synthetic_text import unigram_entropy_nats
from metagen.evaluate.anomaly_eval import evaluate_anomaly_detector
from metagen.evaluate.audio_generation import evaluate_audio_generation
from metagen.evaluate.detection_eval import evaluate_dense_detection, evaluate_set_detection
from metagen.evaluate.diffusion_eval import evaluate_denoiser
from metagen.evaluate.forecast_eval import evaluate_forecaster
from metagen.evaluate.instance_eval import evaluate_instance_segmentation
from metagen.evaluate.masked_lm import evaluate_masked_lm
from metagen.evaluate.metrics import bits_per_byte, macro_f1, perplexity
from metagen.evaluate.multimodal_eval import evaluate_captioning, evaluate_contrastive
from metagen.evaluate.panoptic_eval import evaluate_panoptic_segmentation
from metagen.evaluate.record_eval import evaluate_embedding, evaluate_ranking, evaluate_regression
from metagen.evaluate.segmentation_eval import evaluate_semantic_segmentation
from metagen.evaluate.speech_eval import evaluate_speech_ctc, evaluate_speech_seq2seq
from metagen.evaluate.tagging_eval import evaluate_tagger


def _evaluation_batches(dataset, batch_size: int, max_batches: int | None):
    # Its own generator, so evaluating never draws from the global RNG that training uses.
    loader = DataLoader(dataset, batch_size=batch_size, generator=torch.Generator())
    for index, batch in enumerate(loader):
        if max_batches is not None and index >= max_batches:
            return
        yield batch


def _evaluate_language_model(model, batches, device) -> dict:
    loss_sum, tokens, samples, seen = 0.0, 0, 0, []
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch))  # (B, T, V)
        targets = batch["targets"]  # (B, T)
        loss = F.cross_entropy(
            logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1), reduction="sum"
        )
        loss_sum += float(loss)
        tokens += targets.numel()
        samples += targets.size(0)
        seen.append(targets.flatten().cpu())
    if tokens == 0:
        raise ValueError("cannot evaluate on an empty dataset")
    mean = loss_sum / tokens
    return {
        "loss": mean,
        "perplexity": perplexity(mean),
        "bits_per_byte": bits_per_byte(mean),
        # the baseline: the best loss without context on these very targets
        "unigram_entropy_nats": unigram_entropy_nats(torch.cat(seen)),
        "num_tokens": tokens,
        "num_samples": samples,
    }


def _evaluate_classifier(model, batches, device) -> dict:
    loss_sum, top5, preds, labels, num_classes = 0.0, 0, [], [], 0
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch)).float()  # (B, K)
        target = batch["labels"]  # (B,)
        num_classes = logits.size(-1)
        loss_sum += float(F.cross_entropy(logits, target, reduction="sum"))
        if num_classes >= 5:
            top5 += int((logits.topk(5, dim=-1).indices == target[:, None]).any(-1).sum())
        preds.append(logits.argmax(-1).cpu())
        labels.append(target.cpu())
    if not preds:
        raise ValueError("cannot evaluate on an empty dataset")
    preds, labels = torch.cat(preds), torch.cat(labels)
    samples = labels.numel()
    correct = int((preds == labels).sum())
    results = {"loss": loss_sum / samples, "accuracy": correct / samples}
    if num_classes >= 5:
        results["top5_accuracy"] = top5 / samples
    results["macro_f1"] = macro_f1(preds, labels, num_classes)
    # the trivial baseline: always answer the held-out set's most frequent class
    results["majority_class_accuracy"] = int(torch.bincount(labels).max()) / samples
    results["num_samples"] = samples
    return results


EVALUATORS = {
    "regression": evaluate_regression,
    "embedding": evaluate_embedding,
    "ranking": evaluate_ranking,
    "semantic_segmentation": evaluate_semantic_segmentation,
    "panoptic_segmentation": evaluate_panoptic_segmentation,
    "time_series_forecast": evaluate_forecaster,
    "anomaly_detection": evaluate_anomaly_detector,
    "sequence_labeling": evaluate_tagger,
    "speech_recognition": evaluate_speech_seq2seq,
    "speech_recognition_ctc": evaluate_speech_ctc,
    "contrastive": evaluate_contrastive,
    "vlm": evaluate_captioning,
    "language_modeling": _evaluate_language_model,
    "masked_lm": evaluate_masked_lm,
    "classification": _evaluate_classifier,
    "audio_generation": evaluate_audio_generation,
    "diffusion": evaluate_denoiser,
    "dense_detection": evaluate_dense_detection,
    "set_detection": evaluate_set_detection,
    "instance_segmentation": evaluate_instance_segmentation,
}


def evaluate_model(
    model: torch.nn.Module, task: str, dataset, *, batch_size: int, max_batches: int | None = None
) -> dict:
    """Metrics of `model` on `dataset` in order (first `max_batches` batches if given)."""
    if task not in EVALUATORS:
        raise ValueError(f"no evaluation for task {task!r}; known tasks: {sorted(EVALUATORS)}")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            batches = _evaluation_batches(dataset, batch_size, max_batches)
            return EVALUATORS[task](model, batches, device)
    finally:
        model.train(was_training)
