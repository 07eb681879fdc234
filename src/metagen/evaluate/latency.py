"""Inference latency of one forward pass, measured on the machine that runs it."""

import statistics
import time

import torch


def measure_latency(
    model, inputs: dict, *, device="cpu", runs=20, warmup=3, max_seconds: float | None = None
) -> dict:
    """Median and spread of wall-clock forward time in milliseconds, in eval mode. With
    `max_seconds`, the timed runs stop when that time is spent (one at least), and `runs`
    says how many there were."""
    was_training = model.training
    model.eval()
    inputs = {k: v.to(device) for k, v in inputs.items()}
    sync = torch.cuda.synchronize if device.startswith("cuda") else lambda: None
    timings: list[float] = []
    began = time.perf_counter()
    with torch.no_grad():
        for i in range(warmup + runs):
            sync()
            start = time.perf_counter()
            model(**inputs)
            sync()
            timings.append(1000 * (time.perf_counter() - start))
            spent = max_seconds is not None and time.perf_counter() - began >= max_seconds
            if spent and i >= min(warmup, 1):  # a warm-up run, then one timed, at least
                break
    model.train(was_training)
    timings = timings[min(warmup, len(timings) - 1) :]
    spread = {"median": statistics.median(timings), "min": min(timings), "max": max(timings)}
    setting = {"runs": len(timings), "device": device, "threads": torch.get_num_threads()}
    return {**spread, **setting, "batch_size": next(iter(inputs.values())).shape[0]}
