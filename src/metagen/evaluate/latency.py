"""Inference latency of one forward pass, measured on the machine that runs it."""

import statistics
import time

import torch


def measure_latency(
    model: torch.nn.Module, inputs: dict, *, device: str = "cpu", runs: int = 20, warmup: int = 3
) -> dict:
    """Median and spread of wall-clock forward time in milliseconds, in eval mode."""
    was_training = model.training
    model.eval()
    inputs = {k: v.to(device) for k, v in inputs.items()}
    timings = []
    with torch.no_grad():
        for i in range(warmup + runs):
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            start = time.perf_counter()
            model(**inputs)
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            if i >= warmup:
                timings.append(1000 * (time.perf_counter() - start))
    model.train(was_training)
    return {
        "median": statistics.median(timings),
        "min": min(timings),
        "max": max(timings),
        "runs": runs,
        "batch_size": next(iter(inputs.values())).shape[0],
        "device": device,
        "threads": torch.get_num_threads(),
    }
