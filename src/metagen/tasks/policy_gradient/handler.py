"""Policy gradient: PPO (clipped objective, GAE) trains an actor-critic in a vector of
gymnasium environments. Held out: the mean and spread of the return over seeded episodes,
acting deterministically, beside a random policy's on the same episodes."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import spec_family
from metagen.handlers.planned import not_built
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.rl_environments import plan_environment
from metagen.tasks.policy_gradient.defaults import ENVIRONMENT_SETTINGS, REINFORCE

# An environment a spec does not name: the classic-control task that every PPO
# implementation is checked on first.
DEFAULT_ENVIRONMENT = "CartPole-v1"
ALGORITHMS = ("ppo", "reinforce")
POLICY_METRICS = ["mean_return", "std_return", "random_mean_return", "random_std_return"]


def check_vector_agent(spec, task: str, families: tuple[str, ...]) -> str:
    """The spec's family, for an agent that reads observation vectors (modality.inputs
    [tabular]); pixels and the other families are not built yet."""
    family = spec_family(spec, default="mlp")
    if family in ("cnn", "transformer"):
        kind = (
            "a CNN over frames: Atari games, pixel observations"
            if family == "cnn"
            else "a transformer policy"
        )
        raise not_built(
            f"a reinforcement learning agent with {kind} (the mlp family over observation "
            f"vectors is built for {task})",
            "architecture.family",
            family,
        )
    if family not in families:
        raise PlanError(
            f"architecture.family '{family}' does not build a {task} agent; use "
            f"{' or '.join(families)}."
        )
    if list(spec.modality.inputs) != ["tabular"]:
        raise not_built(
            f"a reinforcement learning agent for {task} that reads "
            f"{', '.join(spec.modality.inputs)} observations "
            "(agents read observation vectors: set modality.inputs: [tabular])",
            "modality.inputs",
            ", ".join(spec.modality.inputs),
        )
    return family


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
        blueprint.family = check_vector_agent(spec, self.name, ("mlp",))
        env = plan_environment(spec, blueprint, DEFAULT_ENVIRONMENT)
        continuous = env.action_space == "continuous"
        blueprint.arch, blueprint.task = "policy_mlp", "policy_gradient"
        blueprint.fixed_dims.update(
            obs_dim=env.observation_dim, num_actions=env.num_actions, continuous=continuous
        )
        blueprint.data.update(kind="environment", env_id=env.id)
        head = (
            f"Gaussian mean over {env.num_actions} action dimension(s)"
            if continuous
            else f"logits over {env.num_actions} actions"
        )
        blueprint.components = [
            ("actor", f"tanh MLP from the {env.observation_dim}-value observation to {head}"),
            ("critic", "tanh MLP from the observation to its value"),
        ]
        if continuous:
            blueprint.components.append(
                ("log_std", "learned log standard deviation, one per action dimension")
            )
        blueprint.train_settings.update(ENVIRONMENT_SETTINGS.get(env.id, {}))
        if algorithm == "reinforce":
            blueprint.train_settings.update(REINFORCE)
        how = (
            "REINFORCE with the critic as baseline (one policy-gradient step per rollout on "
            "Monte Carlo returns)"
            if algorithm == "reinforce"
            else "PPO with the clipped objective and GAE"
        )
        blueprint.decisions.append(
            f"{env.id}: observations of {env.observation_dim} values, "
            f"{env.action_space} actions ({env.num_actions}). {how} in 8 synchronous copies "
            "of the environment; evaluation plays seeded held-out episodes acting "
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
