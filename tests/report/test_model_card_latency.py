"""The model card gives the plan's latency estimate, labelled as one, and after training the
measured latency beside the estimate it was planned with."""

from __future__ import annotations

from tests.paths import EXAMPLES
from tests.report.card_training import card_training

from metagen.planning import make_blueprint, plan_dict
from metagen.report.docs import render_docs
from metagen.spec import load_spec

TRAINING = card_training(latency_ms={"median": 1.25, "runs": 20, "device": "cpu"})


def test_the_card_states_the_estimate_and_the_measurement_beside_it():
    plan = plan_dict(make_blueprint(load_spec(EXAMPLES / "image" / "yolo_detector.yaml")))
    latency = plan["latency"]
    untrained = render_docs(plan, "", None)["model_card.md"]
    estimate = f"{latency['figure']['ms']:.3g} ms {latency['figure']['what']}"
    assert "an estimate from FLOPs, bytes and kernels on edge" in untrained
    assert estimate in untrained
    assert "33 ms" in untrained and "Size fixed by: architecture.variant yolo_v8" in untrained
    trained = render_docs(plan, "", TRAINING)["model_card.md"]
    assert "median 1.25 ms over 20 runs" in trained
    assert f"planned with an estimate of {latency['forward_ms']:.3g} ms" in trained
