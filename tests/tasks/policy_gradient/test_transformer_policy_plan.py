"""Planning a transformer policy (family transformer): a causal transformer over the history
of the last observations, whose length constraints.context_window sets; its package builds
the same history to train, evaluate and play in, and refuses an environment of other spaces."""

from __future__ import annotations

import subprocess
import sys

import pytest

from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text
from metagen.synthesis import run_files
from metagen.tasks.policy_gradient.handler import HISTORY_CONTEXT, MAX_HISTORY_CONTEXT

SPEC = """
name: agent
modality: {{inputs: [{input}], outputs: [action]}}
task: {{type: policy_gradient, environment: {env}}}
constraints: {{parameter_budget: {{max: "100k"}}{window}}}
architecture: {{family: transformer}}
"""


def spec(env: str = "CartPole-v1", window: int | None = None, input: str = "tabular"):
    extra = f", context_window: {window}" if window else ""
    return parse_spec_text(SPEC.format(input=input, env=env, window=extra))


def plan(**kwargs):
    return make_blueprint(spec(**kwargs))


def test_cartpole_plans_a_causal_transformer_over_the_default_history() -> None:
    bp = plan()
    assert (bp.family, bp.arch, bp.task) == ("transformer", "policy_transformer", "policy_gradient")
    assert (bp.dims["obs_dim"], bp.dims["num_actions"], bp.dims["continuous"]) == (4, 2, False)
    assert bp.dims["context"] == HISTORY_CONTEXT
    for scale in ("full", "smoke"):
        data = bp.scales[scale].data
        assert (data["kind"], data["env_id"], data["context"]) == (
            "history",
            "CartPole-v1",
            HISTORY_CONTEXT,
        )
        assert bp.scales[scale].model["context"] == HISTORY_CONTEXT
    names = [name for name, _ in bp.components]
    assert names == ["embed", "blocks", "norm", "actor", "critic"]
    assert any("(the default)" in d for d in bp.decisions)


def test_context_window_sets_the_history_and_a_continuous_env_gets_a_log_std() -> None:
    bp = plan(env="Pendulum-v1", window=16)
    assert (bp.dims["context"], bp.dims["continuous"], bp.dims["num_actions"]) == (16, True, 1)
    assert bp.scales["full"].data["context"] == 16
    assert [name for name, _ in bp.components][-1] == "log_std"
    assert any("constraints.context_window" in d for d in bp.decisions)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"window": MAX_HISTORY_CONTEXT + 1}, r"context_window 257 is longer"),
        ({"input": "image"}, r"reads observation vectors.*family cnn for frames"),
    ],
)
def test_refusals_are_one_paragraph_errors(kwargs: dict, expected: str) -> None:
    with pytest.raises(PlanError, match=expected) as error:
        plan(**kwargs)
    assert "\n" not in str(error.value)


def test_the_package_rebuilds_the_history_and_refuses_other_spaces(tmp_path) -> None:
    files = {
        path.removeprefix("code/"): text
        for path, text in run_files(spec(), seed=None).items()
        if path.startswith("code/")
    }
    assert "from data import policy_gradient_history" in files["train.py"]
    for script in ("evaluate.py", "infer.py"):
        assert "make_history_environment" in files[script], script
    assert "FrameStackObservation" in files["data.py"]
    assert "make_atari_environment" not in files["data.py"]
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    # Acrobot's 6-value observations do not fit a model planned for CartPole's 4
    done = subprocess.run(
        [sys.executable, "train.py", "--scale", "smoke", "--data", "Acrobot-v1", "--out", "o"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "obs_dim 6 (planned 4)" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o" / "metrics.json").exists()
