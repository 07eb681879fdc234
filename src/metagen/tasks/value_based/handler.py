"""Value-based: DQN (double DQN's target by default) trains a Q-network in a gymnasium
environment with discrete actions, from a replay memory and a target network. Held out: the
mean and spread of the return over seeded episodes, acting greedily, beside a random policy's
on the same episodes."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.planned import not_built
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.rl_agents import agent_family, check_observation_vectors
from metagen.handlers.tasks.rl_environments import ENVIRONMENTS, plan_environment
from metagen.handlers.tasks.rl_frames import frames_description, plan_frames
from metagen.tasks.policy_gradient.handler import POLICY_METRICS
from metagen.tasks.value_based.defaults import FRAMES_DQN, FRAMES_SMOKE, PIXELS_DQN

# An environment a spec does not name: the classic-control task DQN is checked on first.
DEFAULT_ENVIRONMENT = "CartPole-v1"
ALGORITHMS = ("dqn",)
# DQN's descendants, named so that a spec asking for one hears it is not built (not unknown).
LATER_ALGORITHMS = ("rainbow", "c51", "qr_dqn", "iqn", "dueling_dqn")


def discrete_only(env_id: str | None) -> PlanError:
    """The error for an agent asked to act in a continuous action space."""
    discrete = ", ".join(e.id for e in ENVIRONMENTS.values() if e.action_space == "discrete")
    where = f"{env_id} has continuous actions" if env_id else "task.action_space is continuous"
    return PlanError(
        f"{where}, but DQN (task.type value_based) needs discrete actions: its Q-network "
        "scores each of a finite set of actions and acts on the best. For continuous actions "
        "use task.type actor_critic (SAC) or policy_gradient (PPO); for DQN choose an "
        f"environment with discrete actions ({discrete})."
    )


@register_task("value_based")
class ValueBasedTaskHandler(TaskHandler):
    name = "value_based"
    supported_modalities = ("tabular", "image")
    output_type = "action"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        algorithm = (spec.task.algorithm or "dqn").lower()
        if algorithm in LATER_ALGORITHMS:
            raise not_built(f"{algorithm} (DQN is built)", "task.algorithm", algorithm)
        if algorithm not in ALGORITHMS:
            raise PlanError(
                f"task.algorithm '{algorithm}' is not a value-based algorithm MetaGen builds; "
                "use dqn (or a task.type that trains it: policy_gradient for ppo, "
                "actor_critic for sac)."
            )
        frames = list(spec.modality.inputs) == ["image"]
        family = agent_family(spec, self.name, ("mlp", "cnn"), (), "cnn" if frames else "mlp")
        if spec.task.action_space == "continuous":
            raise discrete_only(None)
        named = ENVIRONMENTS.get(spec.task.environment or "")
        if named is not None and named.action_space != "discrete":
            raise discrete_only(named.id)
        if family == "cnn":
            return self.plan_frame_agent(spec, blueprint)
        check_observation_vectors(spec, self.name, family, frames_family="cnn")
        blueprint.family = family
        env = plan_environment(spec, blueprint, DEFAULT_ENVIRONMENT)
        if env.action_space != "discrete":
            raise discrete_only(env.id)
        blueprint.arch, blueprint.task = "q_mlp", "value_based"
        blueprint.fixed_dims.update(obs_dim=env.observation_dim, num_actions=env.num_actions)
        blueprint.data.update(kind="environment", env_id=env.id)
        blueprint.components = [
            ("body", f"ReLU MLP over the {env.observation_dim}-value observation"),
            ("head", f"linear layer to the Q-values of {env.num_actions} actions"),
        ]
        blueprint.decisions.append(
            f"{env.id}: observations of {env.observation_dim} values, {env.num_actions} "
            "discrete actions. DQN with double DQN's target, a replay memory, a target "
            "network and epsilon-greedy exploration on a linear schedule (RL Baselines3 Zoo's "
            "CartPole-v1 settings); evaluation plays seeded held-out episodes acting "
            "greedily, beside a random policy on the same episodes."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def plan_frame_agent(self, spec, blueprint: Blueprint) -> Blueprint:
        """A CNN Q-network (policy_cnn, head q_values) over stacked frames: an Atari game's
        (data/atari.py) or a classic-control environment's renders (data/pixel_frames.py)."""
        env = plan_frames(spec, blueprint, "value_based", "q_values")
        atari = env.atari_frame is not None
        blueprint.train_settings.update(FRAMES_DQN if atari else PIXELS_DQN)
        blueprint.smoke_train.update(FRAMES_SMOKE)
        blueprint.components += [
            ("q_values", f"linear layer to the Q-values of {env.num_actions} actions"),
        ]
        settings = (
            "CleanRL's dqn_atari.py settings (its replay memory cut to 100k frames)"
            if atari
            else "short exploration and frequent target copies over a 50k-frame replay memory"
        )
        blueprint.decisions.append(
            f"{frames_description(env, spec.task.environment is None)} DQN with double DQN's "
            f"target, {settings}; the replay memory keeps frames as bytes; evaluation plays "
            "seeded held-out episodes acting greedily, beside a random policy on the same "
            "episodes."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "q_value_head", "num_actions": blueprint.fixed_dims["num_actions"]}

    def get_loss_function(self, spec) -> str:
        return "value_based"  # the runtime task; its algorithm is in the training settings

    def get_metrics(self, spec) -> list[str]:
        return list(POLICY_METRICS)
