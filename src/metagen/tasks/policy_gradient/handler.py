"""Policy gradient: PPO (clipped objective, GAE) trains an actor-critic in a vector of
gymnasium environments. Held out: the mean and spread of the return over seeded episodes,
acting deterministically, beside a random policy's on the same episodes."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.rl_agents import agent_family, check_observation_vectors
from metagen.handlers.tasks.rl_environments import plan_environment
from metagen.handlers.tasks.rl_frames import frames_description, plan_frames
from metagen.tasks.policy_gradient.defaults import (
    ENVIRONMENT_SETTINGS,
    ENVIRONMENT_SMOKE,
    FRAMES_PPO,
    FRAMES_SMOKE,
    PIXELS_PPO,
    REINFORCE,
)

# A transformer policy's history, in observations, when constraints.context_window names none:
# long enough to show velocities and short episodes' recent past, short enough that PPO's
# epochs over every rollout stay cheap on a CPU. The longest history planned is 256.
HISTORY_CONTEXT = 8
MAX_HISTORY_CONTEXT = 256
# An environment a spec does not name: the classic-control task that every PPO
# implementation is checked on first.
DEFAULT_ENVIRONMENT = "CartPole-v1"
ALGORITHMS = ("ppo", "reinforce")
POLICY_METRICS = ["mean_return", "std_return", "random_mean_return", "random_std_return"]


@register_task("policy_gradient")
class PolicyGradientTaskHandler(TaskHandler):
    name = "policy_gradient"
    supported_modalities = ("tabular", "image")
    output_type = "action"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        algorithm = (spec.task.algorithm or "ppo").lower()
        if algorithm not in ALGORITHMS:
            raise PlanError(
                f"task.algorithm '{algorithm}' is not a policy-gradient algorithm MetaGen "
                "builds; use ppo or reinforce (or a task.type that trains it: value_based for "
                "dqn)."
            )
        frames = list(spec.modality.inputs) == ["image"]
        family = agent_family(
            spec, self.name, ("mlp", "cnn", "transformer"), default="cnn" if frames else "mlp"
        )
        if family == "cnn":
            return self.plan_pixel_agent(spec, blueprint)
        check_observation_vectors(spec, self.name, family, frames_family="cnn")
        blueprint.family = family
        env = plan_environment(spec, blueprint, DEFAULT_ENVIRONMENT)
        continuous = env.action_space == "continuous"
        blueprint.task = "policy_gradient"
        blueprint.fixed_dims.update(
            obs_dim=env.observation_dim, num_actions=env.num_actions, continuous=continuous
        )
        blueprint.data.update(kind="environment", env_id=env.id)
        head = (
            f"Gaussian mean over {env.num_actions} action dimension(s)"
            if continuous
            else f"logits over {env.num_actions} actions"
        )
        if family == "transformer":
            plan_history(spec, blueprint, env.observation_dim, head)
        else:
            blueprint.arch = "policy_mlp"
            blueprint.components = [
                ("actor", f"tanh MLP from the {env.observation_dim}-value observation to {head}"),
                ("critic", "tanh MLP from the observation to its value"),
            ]
        if continuous:
            blueprint.components.append(
                ("log_std", "learned log standard deviation, one per action dimension")
            )
        blueprint.train_settings.update(ENVIRONMENT_SETTINGS.get(env.id, {}))
        blueprint.smoke_train.update(ENVIRONMENT_SMOKE.get(env.id, {}))
        if algorithm == "reinforce":
            blueprint.train_settings.update(REINFORCE)
        how = (
            "REINFORCE with the critic as baseline (one policy-gradient step per rollout on "
            "Monte Carlo returns)"
            if algorithm == "reinforce"
            else "PPO with the clipped objective and GAE"
        )
        tuned = (
            f"with settings tuned for {env.id}"
            if env.id in ENVIRONMENT_SETTINGS
            else "with settings tuned for CartPole-v1"
        )
        blueprint.decisions.append(
            f"{env.id}: observations of {env.observation_dim} values, "
            f"{env.action_space} actions ({env.num_actions}). {how} in 8 synchronous copies "
            f"of the environment, {tuned}; evaluation plays seeded held-out episodes acting "
            "deterministically, beside a random policy on the same episodes."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def plan_pixel_agent(self, spec, blueprint: Blueprint) -> Blueprint:
        """A CNN actor-critic (policy_cnn) over stacked frames: an Atari game's, preprocessed
        (data/atari.py), or a classic-control environment's renders (data/pixel_frames.py)."""
        env = plan_frames(spec, blueprint, "policy_gradient", "actor_critic")
        atari = env.atari_frame is not None
        blueprint.train_settings.update(FRAMES_PPO if atari else PIXELS_PPO)
        if (spec.task.algorithm or "ppo").lower() == "reinforce":
            blueprint.train_settings.update(REINFORCE)
        blueprint.smoke_train.update(FRAMES_SMOKE)
        blueprint.components += [
            ("actor", f"logits over {env.num_actions} actions"),
            ("critic", "the frames' value"),
        ]
        settings = (
            "CleanRL's Atari settings"
            if atari
            else "the vector agent's CartPole settings with 10 epochs"
        )
        blueprint.decisions.append(
            f"{frames_description(env, spec.task.environment is None)} PPO with {settings} in "
            "8 synchronous copies; evaluation plays seeded held-out episodes acting "
            "deterministically, beside a random policy on the same episodes."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "actor_critic_head", "num_actions": blueprint.fixed_dims["num_actions"]}

    def get_loss_function(self, spec) -> str:
        return "policy_gradient"  # the runtime task; its algorithm is in the training settings

    def get_metrics(self, spec) -> list[str]:
        return list(POLICY_METRICS)


def plan_history(spec, blueprint: Blueprint, obs_dim: int, head: str) -> None:
    """A causal transformer (policy_transformer) over the last observations: its arch, its
    history length (constraints.context_window, else HISTORY_CONTEXT), its data and rows."""
    window = spec.constraints.context_window if spec.constraints else None
    context = window or HISTORY_CONTEXT
    if context > MAX_HISTORY_CONTEXT:
        raise PlanError(
            f"constraints.context_window {context} is longer than a transformer policy's "
            f"history may be here ({MAX_HISTORY_CONTEXT} observations: each step of every "
            "rollout attends over all of them); set constraints.context_window to at most "
            f"{MAX_HISTORY_CONTEXT}."
        )
    blueprint.arch = "policy_transformer"
    blueprint.fixed_dims["context"] = context
    blueprint.data.update(kind="history", context=context)
    blueprint.components = [
        (
            "embed",
            f"each of the last {context} {obs_dim}-value observations a token, plus a learned "
            "position",
        ),
        ("blocks", "pre-norm causal transformer blocks over the history"),
        ("norm", "layer norm of the newest token's vector"),
        ("actor", f"from the newest token's vector to {head}"),
        ("critic", "from the newest token's vector to the value"),
    ]
    source = "constraints.context_window" if window else "the default"
    blueprint.decisions.append(
        f"The transformer policy sees the last {context} observations ({source}), zero-padded "
        "at an episode's start; attention is causal and the newest token answers."
    )
