"""Actor-critic: SAC (default) or TD3 trains an off-policy actor and twin Q critics from a
replay buffer, in a gymnasium environment with continuous actions. Held out: the mean and
spread of the return over seeded episodes, acting deterministically, beside a random
policy's on the same episodes."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.rl_agents import agent_family, check_observation_vectors
from metagen.handlers.tasks.rl_environments import plan_environment
from metagen.tasks.policy_gradient.handler import POLICY_METRICS

# An environment a spec does not name: the continuous-control task SAC is checked on first.
DEFAULT_ENVIRONMENT = "Pendulum-v1"
# algorithm -> the actor it trains
ACTORS = {"sac": "gaussian", "td3": "deterministic"}


@register_task("actor_critic")
class ActorCriticTaskHandler(TaskHandler):
    name = "actor_critic"
    supported_modalities = ("tabular",)
    output_type = "action"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        algorithm = (spec.task.algorithm or "sac").lower()
        if algorithm not in ACTORS:
            raise PlanError(
                f"task.algorithm '{algorithm}' is not an actor-critic algorithm MetaGen builds; "
                "use sac or td3 (or a task.type that trains it: policy_gradient for ppo, "
                "value_based for dqn)."
            )
        blueprint.family = agent_family(spec, self.name, ("mlp",))
        check_observation_vectors(spec, self.name, blueprint.family)
        env = plan_environment(spec, blueprint, DEFAULT_ENVIRONMENT)
        if env.action_space != "continuous":
            raise PlanError(
                f"{env.id} has {env.num_actions} discrete actions, but task.type actor_critic "
                f"({algorithm.upper()}) acts in a continuous action space. Use task.type "
                "value_based (DQN) or policy_gradient (PPO) for discrete actions, or choose an "
                "environment with continuous actions (Pendulum-v1, MountainCarContinuous-v0)."
            )
        actor = ACTORS[algorithm]
        blueprint.arch, blueprint.task = "sac_mlp", "actor_critic"
        blueprint.fixed_dims.update(
            obs_dim=env.observation_dim, num_actions=env.num_actions, actor=actor
        )
        blueprint.data.update(kind="environment", env_id=env.id)
        obs = f"the {env.observation_dim}-value observation"
        head = (
            f"a squashed Gaussian's mean and log std over {env.num_actions} action dimension(s)"
            if actor == "gaussian"
            else f"a tanh action of {env.num_actions} dimension(s)"
        )
        blueprint.components = [
            ("actor", f"ReLU MLP from {obs} to {head}"),
            ("critic", "twin ReLU MLP Q-functions of (observation, action)"),
            ("critic_target", "the critics' Polyak-averaged copy, for bootstrapped targets"),
        ]
        if actor == "deterministic":
            blueprint.components.append(
                ("actor_target", "the actor's Polyak-averaged copy, for smoothed targets")
            )
        how = (
            "SAC with automatic entropy tuning (target entropy -|A|)"
            if algorithm == "sac"
            else "TD3 with target policy smoothing and delayed actor updates"
        )
        blueprint.decisions.append(
            f"{env.id}: observations of {env.observation_dim} values, continuous actions "
            f"({env.num_actions}) scaled from tanh's (-1, 1) to the environment's box. {how}, "
            "twin critics and one gradient step per environment step from a replay buffer; "
            "evaluation plays seeded held-out episodes acting deterministically, beside a "
            "random policy on the same episodes."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "actor_critic_head", "num_actions": blueprint.fixed_dims["num_actions"]}

    def get_loss_function(self, spec) -> str:
        return "actor_critic"

    def get_metrics(self, spec) -> list[str]:
        return list(POLICY_METRICS)
