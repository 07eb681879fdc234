"""Training judged by a metric: early stopping on a planted validation curve restores the best
evaluation's weights and says which step they came from; a wall-time budget ends a run in time
with a checkpoint that loads."""

import time

import pytest
import torch
from torch import nn

from metagen.tasks.runtime import build_datasets
from metagen.train.checkpoint import load_checkpoint
from metagen.train.loop import train_model

torch.set_num_threads(1)


class Probe(nn.Module):
    def __init__(self, features: int, classes: int) -> None:
        super().__init__()
        self.head = nn.Linear(features, classes)

    def forward(self, features):
        return self.head(features)


def planted(curve: list[float], seen: list[dict]):
    """An evaluator that reports `curve`'s accuracies in turn (then its last one) and keeps a
    copy of the weights it judged, so that a test can tell which weights a run ends with."""

    def evaluate(model, batches, device):
        for _ in batches:
            pass
        value = curve[min(len(seen), len(curve) - 1)]
        seen.append({k: v.detach().clone() for k, v in model.state_dict().items()})
        return {"loss": 1.0, "accuracy": value}

    return evaluate


def loss(outputs, batch, **_):
    return nn.functional.cross_entropy(outputs, batch["labels"])


@pytest.fixture(scope="module")
def tabular():
    cfg = {"num_features": 8, "num_classes": 3, "num_train": 256, "num_val": 64}
    return build_datasets("classification", {**cfg, "kind": "tabular"}, "synthetic", 0)


def cfg(**overrides) -> dict:
    base = {"steps": 200, "batch_size": 16, "lr": 1e-2, "min_lr_ratio": 0.1, "warmup_steps": 2,
            "weight_decay": 0.0, "grad_clip": 1.0, "eval_every": 5, "eval_batches": 2,
            "checkpoint_every": 50, "seed": 0}  # fmt: skip
    return {**base, **overrides}


def run(tabular, out, evaluator, **options) -> dict:
    train, val, info = tabular
    torch.manual_seed(0)
    model = Probe(8, info["num_classes"])
    options.setdefault("cfg", cfg())
    result = train_model(model, task="classification", loss_fn=loss, evaluator=evaluator,
                         train_ds=train, val_ds=val, out_dir=out, log_fn=lambda *a: None,
                         progress=False, monitor=("accuracy", True), **options)  # fmt: skip
    return {"metrics": result, "model": model}


def test_patience_stops_at_the_planted_plateau_and_restores_the_best_weights(tabular, tmp_path):
    # evaluations at steps 5, 10, ...: the best (0.9) at step 15, then three that are not
    curve, seen = [0.5, 0.7, 0.9, 0.8, 0.9, 0.85, 0.6], []
    done = run(tabular, tmp_path, planted(curve, seen), cfg=cfg(patience=3))
    metrics = done["metrics"]
    assert metrics["stop_reason"] == "patience" and metrics["completed"]
    assert metrics["steps"] == 30  # the third evaluation after step 15's
    assert metrics["restored_best_step"] == metrics["eval_step"] == 15
    assert metrics["eval"]["accuracy"] == 0.9 and metrics["monitor"]["best"]["step"] == 15
    best_weights = seen[2]  # what the evaluator judged at step 15
    for name, value in done["model"].state_dict().items():
        torch.testing.assert_close(value, best_weights[name], rtol=0, atol=0)
    # the saved checkpoint, which evaluate.py and infer.py load, holds those weights too
    reloaded = Probe(8, 3)
    load_checkpoint(tmp_path / "checkpoints", model=reloaded)
    for name, value in reloaded.state_dict().items():
        torch.testing.assert_close(value, best_weights[name], rtol=0, atol=0)


def test_a_tie_goes_to_the_lower_validation_loss(tabular, tmp_path):
    losses = iter([0.9, 0.5, 0.7, 0.8, 0.8, 0.8])

    def evaluate(model, batches, device):
        for _ in batches:
            pass
        return {"loss": next(losses, 0.8), "accuracy": 1.0}  # accuracy saturated

    metrics = run(tabular, tmp_path, evaluate, cfg=cfg(patience=3))["metrics"]
    assert metrics["restored_best_step"] == 10 and metrics["steps"] == 25


def test_without_patience_a_run_goes_to_its_planned_end_and_keeps_the_best(tabular, tmp_path):
    curve, seen = [0.5, 0.95, 0.6], []
    metrics = run(tabular, tmp_path, planted(curve, seen), cfg=cfg(steps=40))["metrics"]
    assert metrics["steps"] == 40 and metrics["stop_reason"] == "steps"
    assert metrics["restored_best_step"] == 10 and metrics["eval"]["accuracy"] == 0.95
    kept = run(tabular, tmp_path / "last", planted(curve, []), cfg=cfg(steps=40, keep_best=False))
    assert kept["metrics"]["restored_best_step"] is None and kept["metrics"]["eval_step"] == 40


@pytest.mark.timed
def test_a_time_budget_ends_the_run_in_time_with_a_checkpoint_that_loads(tabular, tmp_path):
    def slow_loss(outputs, batch, **_):
        time.sleep(0.02)
        return loss(outputs, batch)

    train, val, info = tabular
    model = Probe(8, info["num_classes"])
    began = time.perf_counter()
    metrics = train_model(model, task="classification", loss_fn=slow_loss,
                          evaluator=planted([0.5, 0.6, 0.7], []), train_ds=train, val_ds=val,
                          cfg=cfg(steps=100_000), out_dir=tmp_path, log_fn=lambda *a: None,
                          progress=False, monitor=("accuracy", True), deadline=began + 2.0)  # fmt: skip
    took = time.perf_counter() - began
    assert metrics["stop_reason"] == "time_budget" and metrics["completed"]
    assert 1.6 <= took <= 2.2, took
    assert 0 < metrics["steps"] < 100_000
    load_checkpoint(tmp_path / "checkpoints", model=Probe(8, info["num_classes"]))


def test_a_long_cpu_run_is_told_how_long_and_how_to_shorten_it() -> None:
    from metagen.train.distributed import DistInfo
    from metagen.train.loop import RunClock

    said: list[str] = []
    clock = RunClock(0.0, None, DistInfo(), eval_batches=10)
    clock.warn_if_long(0.5, 9_000, said.append)  # 75 min left
    (warning,) = said
    assert "about 75 min" in warning and "--time-budget" in warning and "--scale smoke" in warning
    assert "9,000 steps at the 0.5 s a step of the first steps here" in warning
    clock.warn_if_long(0.5, 100, said.append)  # 50 s: not told
    RunClock(0.0, 100.0, DistInfo(), eval_batches=10).warn_if_long(0.5, 9_000, said.append)
    assert len(said) == 1  # a run with a time budget ends in time anyway
    clock.warn_if_long(0.5, 1_000, said.append)  # 8 min: told, no warning
    assert said[-1].startswith("estimated training time: about 8 min")


def test_the_estimate_rests_on_the_plans_flops_and_the_rate_measured_on_the_first_steps():
    from metagen.train.distributed import DistInfo
    from metagen.train.loop import TRAIN_FLOPS_PER_FORWARD, RunClock

    said: list[str] = []
    # a forward of 2 GFLOP a sample, batches of 16: 96 GFLOP a step; 0.8 s a step is 120 GFLOP/s
    step_flops = TRAIN_FLOPS_PER_FORWARD * 2_000_000_000 * 16
    clock = RunClock(0.0, None, DistInfo(), eval_batches=10, step_flops=step_flops)
    clock.warn_if_long(0.8, 3_000, said.append)  # 40 min
    (warning,) = said
    assert warning.startswith("warning: training would take about 40 min on this CPU (3,000 steps")
    assert "x 96 GFLOP a step" in warning and "= 288 TFLOP" in warning
    assert "at the 120 GFLOP/s of the first steps here" in warning
