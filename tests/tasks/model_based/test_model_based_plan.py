"""Planning a model-based agent: the environment decides the world model's spaces, a spec
that contradicts them gets a one-paragraph error, and what is not built says so."""

from __future__ import annotations

import subprocess
import sys

import pytest

from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text

SPEC = """
name: world
modality: {{inputs: [tabular], outputs: [action]}}
task: {{type: model_based{task}}}
constraints: {{parameter_budget: {{max: "50k"}}}}
architecture: {{family: {family}}}
"""


def plan(task: str = "", family: str = "mlp"):
    return make_blueprint(parse_spec_text(SPEC.format(task=task, family=family)))


def test_cartpole_world_model() -> None:
    bp = plan(", algorithm: mpc, environment: CartPole-v1, num_actions: 2")
    assert (bp.arch, bp.task, bp.family) == ("world_model", "model_based", "mlp")
    assert (bp.dims["obs_dim"], bp.dims["num_actions"], bp.dims["continuous"]) == (4, 2, False)
    data = bp.scales["full"].data
    assert (data["kind"], data["env_id"]) == ("environment", "CartPole-v1")
    names = ["encoder", "dynamics", "decoder", "reward", "continuation", "value"]
    assert [name for name, _ in bp.components] == names
    assert list(count_params(bp.arch, bp.dims)) == names
    assert {"next_obs_mse", "no_change_next_obs_mse", "mean_return"} <= set(bp.metrics)


def test_pendulum_is_continuous() -> None:
    bp = plan(", environment: Pendulum-v1")
    assert (bp.dims["obs_dim"], bp.dims["num_actions"], bp.dims["continuous"]) == (3, 1, True)


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        (", environment: CartPol-v1", r"'CartPol-v1' is not an environment.*CartPole-v1"),
        (", environment: CartPole-v1, num_actions: 3", r"num_actions is 3, but CartPole-v1"),
        (", environment: Pendulum-v1, action_space: discrete", r"Pendulum-v1 has a continuous"),
        (", algorithm: dreamer", r"Dreamer.*not built yet"),
        (", algorithm: muzero", r"MuZero.*not built yet"),
        (", algorithm: ppo", r"'ppo' is not a model-based algorithm"),
    ],
)
def test_contradictions_are_one_paragraph_errors(task: str, expected: str) -> None:
    with pytest.raises(PlanError, match=expected) as error:
        plan(task)
    assert "\n" not in str(error.value)


def test_hybrid_family_plans_a_recurrent_state_space_model_on_windows() -> None:
    text = SPEC.format(task=", environment: Pendulum-v1", family="hybrid")
    bp = make_blueprint(parse_spec_text(text.replace('"50k"', '"200k"')))
    assert (bp.arch, bp.family) == ("world_rssm", "hybrid")
    assert (bp.dims["obs_dim"], bp.dims["num_actions"], bp.dims["continuous"]) == (3, 1, True)
    assert "d_latent" not in bp.dims and bp.dims["d_deter"] == bp.dims["d_hidden"]
    for scale in ("full", "smoke"):
        train = bp.scales[scale].train
        assert train["sequence_length"] == train["horizon"]
        assert train["batch_size"] == 64  # windows: the GRU steps through each one
    names = [name for name, _ in bp.components]
    assert names == list(count_params(bp.arch, bp.dims))
    assert any("recurrent state-space" in d for d in bp.decisions)


def test_transformer_family_plans_sequence_dynamics_as_long_as_the_horizon() -> None:
    text = SPEC.format(task=", environment: Pendulum-v1", family="transformer")
    bp = make_blueprint(parse_spec_text(text.replace('"50k"', '"200k"')))
    assert (bp.arch, bp.family) == ("world_transformer", "transformer")
    assert (bp.dims["obs_dim"], bp.dims["num_actions"], bp.dims["continuous"]) == (3, 1, True)
    for scale in ("full", "smoke"):
        train = bp.scales[scale].train
        assert train["sequence_length"] == train["horizon"] == bp.scales[scale].model["context"]
    names = [name for name, _ in bp.components]
    assert names == list(count_params(bp.arch, bp.dims))
    assert any("causal transformer" in d for d in bp.decisions)


def test_cnn_family_is_refused_naming_the_built_families() -> None:
    with pytest.raises(
        PlanError, match="does not build a model_based agent; use mlp, transformer or hybrid"
    ):
        plan(family="cnn")


def test_cli_plan_of_an_impossible_spec_exits_2_without_traceback(tmp_path) -> None:
    spec = tmp_path / "world.yaml"
    spec.write_text(SPEC.format(task=", algorithm: dreamer", family="mlp"))
    done = subprocess.run(
        [sys.executable, "-c", "from metagen.cli import main; main()", "plan", str(spec)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "dreamer" in done.stderr + done.stdout


def test_package_refuses_a_horizon_longer_than_the_context(tmp_path) -> None:
    import json

    from metagen.synthesis import run_files

    text = SPEC.format(task=", environment: CartPole-v1", family="transformer")
    spec = parse_spec_text(text.replace('"50k"', '"200k"'))
    for path, content in run_files(spec, seed=None).items():
        if path.startswith("code/"):
            (tmp_path / path[5:]).write_text(content)
    config = json.loads((tmp_path / "config.json").read_text())
    config["scales"]["smoke"]["train"]["horizon"] = 20  # the context is 12
    (tmp_path / "config.json").write_text(json.dumps(config))
    done = subprocess.run(
        [sys.executable, "train.py", "--scale", "smoke", "--out", "o"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "horizon 20 is longer than the model's context of 12 steps" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "o").exists()
