"""Transcripts a speech recognizer writes for a few held-out clips, decoded as the evaluator
decodes them (greedy: best path for CTC, a KV-cached decoder for the encoder-decoder),
beside the references, with each clip's log-mel as the model reads it."""

from __future__ import annotations

from metagen.data.tokenizer import ByteTokenizer
from metagen.evaluate.speech_eval import word_error_rate

SAMPLES = 8


def collect_transcripts(model, batches, device, info) -> dict:
    """{"kind": "transcripts", "log_mel" (n, n_mels, frames), hypotheses, references, each
    sample's WER (None where the reference has no words) and theirs together}."""
    batch = next(iter(batches), None)  # the first held-out batch holds enough clips
    if batch is None:
        raise ValueError("no held-out batches to predict on")
    waveform, targets = batch["waveform"][:SAMPLES].to(device), batch["targets"][:SAMPLES]
    tokenizer = ByteTokenizer()  # transcripts are bytes (evaluate/speech_eval.py)
    hypotheses = [tokenizer.decode(ids)
                  for ids in model.transcribe(waveform, max_tokens=targets.size(1))]  # fmt: skip
    references = [tokenizer.decode(row) for row in targets.tolist()]
    return {
        "kind": "transcripts",
        "log_mel": model.frontend(waveform).float().cpu(),  # (n, n_mels, frames)
        "hypotheses": hypotheses,
        "references": references,
        "wer": [
            word_error_rate([h], [r]) if r.split() else None
            for h, r in zip(hypotheses, references, strict=True)
        ],  # fmt: skip
        "corpus_wer": word_error_rate(hypotheses, references),
        "sample_rate": int(info["sample_rate"]),
        "hop_length": int(model.config.hop_length),
    }
