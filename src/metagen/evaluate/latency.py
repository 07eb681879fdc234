"""Inference latency of one forward pass, measured on the machine that runs it."""

import statistics
import time

import torch


def measure_latency(model, inputs: dict, *, device="cpu", runs=20, warmup=3) -> dict:
    """Median and spread of wall-clock forward time in milliseconds, in eval mode."""
    was_training = model.training
    model.eval()
    inputs = {k: v.to(device) for k, v in inputs.items()}
    sync = torch.cuda.synchronize if device.startswith("cuda") else lambda: None
    timings = []
    with torch.no_grad():
        for _ in range(warmup + runs):
            sync()
            start = time.perf_counter()
            model(**inputs)
            sync()
            timings.append(1000 * (time.perf_counter() - start))
    model.train(was_training)
    timings = timings[warmup:]
    spread = {"median": statistics.median(timings), "min": min(timings), "max": max(timings)}
    setting = {"runs": runs, "device": device, "threads": torch.get_num_threads()}
    return {**spread, **setting, "batch_size": next(iter(inputs.values())).shape[0]}
