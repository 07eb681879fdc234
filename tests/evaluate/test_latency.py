"""measure_latency: the median of timed forward passes after warm-up, and a time cap that ends
the timed runs early and says how many there were."""

import time

import pytest
import torch
from torch import nn

from metagen.evaluate.latency import measure_latency

pytestmark = pytest.mark.timed


class Sleeps(nn.Module):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def forward(self, x):
        time.sleep(self.seconds)
        return x


def test_the_median_of_the_timed_runs_after_warm_up() -> None:
    found = measure_latency(Sleeps(0.005), {"x": torch.zeros(2, 3)}, runs=6, warmup=2)
    assert found["runs"] == 6 and found["batch_size"] == 2
    assert 5 <= found["min"] <= found["median"] <= found["max"]
    assert found["median"] < 50  # sleeping 5 ms, not 10 times that


def test_a_time_cap_ends_the_timed_runs_early() -> None:
    began = time.perf_counter()
    found = measure_latency(Sleeps(0.05), {"x": torch.zeros(1)}, runs=20, warmup=3, max_seconds=0.3)
    assert time.perf_counter() - began < 0.6  # not the 1.15 s of 23 runs
    assert 1 <= found["runs"] < 20 and found["median"] >= 50
