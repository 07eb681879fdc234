"""Held-out speech recognition: the training loss, then greedy transcripts scored by WER and
CER beside two trivial baselines: the empty transcript, and one constant transcript (the most
frequent held-out reference, which knows the held-out set and is hard to beat)."""

from collections import Counter

import torch
import torch.nn.functional as F

from metagen.data.batch import model_inputs, move_batch
from metagen.data.speech_items import SPEECH_IGNORE_INDEX
from metagen.data.tokenizer import ByteTokenizer
from metagen.evaluate.speech_metrics import char_error_rate, word_error_rate
from metagen.train.speech_losses import speech_ctc_loss


def _seq2seq_loss_sum(outputs: torch.Tensor, batch: dict) -> tuple[float, int]:
    """Summed cross-entropy over the predicted tokens, and their count."""
    targets = batch["targets"]
    loss = F.cross_entropy(
        outputs.reshape(-1, outputs.size(-1)).float(),
        targets.reshape(-1),
        ignore_index=SPEECH_IGNORE_INDEX,
        reduction="sum",
    )
    return float(loss), int((targets != SPEECH_IGNORE_INDEX).sum())


def _ctc_loss_sum(outputs: torch.Tensor, batch: dict) -> tuple[float, int]:
    """Summed per-clip CTC loss over transcript length (torch's "mean" before the batch
    average), and the clip count."""
    per_clip = speech_ctc_loss(outputs, batch, reduction="none")  # (B,)
    lengths = (batch["targets"] != SPEECH_IGNORE_INDEX).sum(dim=1).clamp_min(1)
    return float((per_clip / lengths).sum()), int(per_clip.numel())


def transcript_metrics(predictions: list[str], references: list[str]) -> dict:
    """WER and CER of the predictions and of the two baselines, and the exact-match rate."""
    n = len(references)
    constant = Counter(references).most_common(1)[0][0]
    return {
        "wer": word_error_rate(predictions, references),
        "cer": char_error_rate(predictions, references),
        "exact_match": sum(p == r for p, r in zip(predictions, references, strict=True)) / n,
        "empty_transcript_wer": word_error_rate([""] * n, references),
        "empty_transcript_cer": char_error_rate([""] * n, references),
        "constant_transcript_wer": word_error_rate([constant] * n, references),
        "constant_transcript_cer": char_error_rate([constant] * n, references),
        "num_samples": n,
    }


def _evaluate_speech(model, batches, device, loss_sum) -> dict:
    tokenizer = ByteTokenizer()
    total, weight, predictions, references = 0.0, 0, [], []
    for batch in batches:
        batch = move_batch(batch, device)
        outputs = model(**model_inputs(batch))
        batch_sum, batch_weight = loss_sum(outputs, batch)
        total, weight = total + batch_sum, weight + batch_weight
        targets = batch["targets"]  # (B, L): the transcript (and eos), then padding
        hypotheses = model.transcribe(batch["waveform"], max_tokens=targets.size(1))
        predictions += [tokenizer.decode(ids) for ids in hypotheses]
        references += [tokenizer.decode(row) for row in targets.cpu().tolist()]
    if not references:
        raise ValueError("cannot evaluate on an empty dataset")
    return {"loss": total / max(weight, 1), **transcript_metrics(predictions, references)}


def evaluate_speech_seq2seq(model, batches, device) -> dict:
    return _evaluate_speech(model, batches, device, _seq2seq_loss_sum)


def evaluate_speech_ctc(model, batches, device) -> dict:
    return _evaluate_speech(model, batches, device, _ctc_loss_sum)
