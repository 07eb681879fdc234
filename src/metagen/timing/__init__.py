"""Timing on this machine (library only, imports torch): the cpu calibration, a planned
model timed at batch 1, and the latency estimate checked against it."""
