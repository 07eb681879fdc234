"""Continuations an audio language model samples for a few held-out prompts, as infer.py
samples them (temperature 1, top-k 50, a fixed seed), beside the audio that really followed
each prompt (library only, for the plots and the report)."""

from __future__ import annotations

import torch

from metagen.data.audio_io import mu_law_decode

SAMPLES = 4
# Samples generated per prompt: longer than a smoke run's 64-sample windows, so that a
# spectrogram has frames to show, and short enough for a CPU after every training.
CONTINUATION = 512
PROMPT_TAIL = 512  # the end of each prompt, drawn before its continuation
TEMPERATURE, TOP_K, SEED = 1.0, 50, 0  # infer.py's defaults


def collect_continuations(model, batches, device, info) -> dict:
    """{"kind": "audio_continuations", the prompts' tails, the generated and the held-out
    continuations as waveforms in [-1, 1], and the sample rate}."""
    batch = next(iter(batches), None)  # the first held-out batch holds enough prompts
    if batch is None:
        raise ValueError("no held-out batches to predict on")
    prompts = batch["prompt"][:SAMPLES].to(device)  # (n, P)
    levels = int(info["n_levels"])
    with torch.random.fork_rng(devices=[]):  # sampling leaves the caller's generator as it was
        torch.manual_seed(SEED)
        tokens = model.generate(prompts, CONTINUATION, temperature=TEMPERATURE, top_k=TOP_K)
    return {
        "kind": "audio_continuations",
        "prompt_tails": prompts[:, -PROMPT_TAIL:].float().cpu(),
        "generated": mu_law_decode(tokens.cpu().numpy(), levels),
        "references": mu_law_decode(batch["targets"][:SAMPLES, :CONTINUATION].numpy(), levels),
        "sample_rate": int(info["sample_rate"]),
        "sampling": f"temperature {TEMPERATURE:g}, top-k {TOP_K}, seed {SEED}",
    }
