"""Policy gradient: PPO (clipped objective, GAE) trains an actor-critic in a vector of
gymnasium environments. Held out: the mean and spread of the return over seeded episodes,
acting deterministically, beside a random policy's on the same episodes."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.planned import not_built
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.rl_agents import agent_family, check_observation_vectors
from metagen.handlers.tasks.rl_environments import Environment, plan_environment
from metagen.tasks.policy_gradient.defaults import (
    ENVIRONMENT_SETTINGS,
    FRAMES_DATA,
    FRAMES_PPO,
    FRAMES_SMOKE,
    FRAMES_SMOKE_EVAL_EPISODES,
    PIXELS_PPO,
    REINFORCE,
)

# An environment a spec does not name: the classic-control task that every PPO
# implementation is checked on first.
DEFAULT_ENVIRONMENT = "CartPole-v1"
ALGORITHMS = ("ppo", "reinforce")
POLICY_METRICS = ["mean_return", "std_return", "random_mean_return", "random_std_return"]
# A pixel agent that names no environment plays Seaquest: a game of the Nature DQN paper
# (Mnih et al. 2015) whose minimal action set is the full 18 actions, so that a spec asking
# for 18 actions (the Atari seed) fits it, and one that PPO improves on within 10M steps.
DEFAULT_ATARI_GAME = "ALE/Seaquest-v5"
# Frames the agent sees: Atari's 84x84 (Mnih et al. 2015); a classic-control render (600x400
# for CartPole) shrinks to 64x64, where its pole is still a pixel wide.
ATARI_IMAGE_SIZE = 84
PIXELS_IMAGE_SIZE = 64
# Trunk names a spec may give as architecture.variant, and the named variant each plans.
TRUNK_VARIANTS = {"nature": "nature_cnn", "impala": "impala_cnn"}


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
            spec, self.name, ("mlp", "cnn"), ("transformer",), "cnn" if frames else "mlp"
        )
        if family == "cnn":
            return self.plan_pixel_agent(spec, blueprint)
        check_observation_vectors(spec, self.name, family, frames_family="cnn")
        blueprint.family = family
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

    def plan_pixel_agent(self, spec, blueprint: Blueprint) -> Blueprint:
        """A CNN actor-critic (policy_cnn) over stacked grey frames: an Atari game's,
        preprocessed (data/atari.py), or a classic-control environment's renders
        (data/pixel_frames.py)."""
        if list(spec.modality.inputs) != ["image"]:
            raise PlanError(
                "architecture.family cnn plans an agent over frames; set modality.inputs: "
                "[image] (or family mlp for an agent over observation vectors)."
            )
        env = plan_environment(spec, blueprint, DEFAULT_ATARI_GAME)
        if env.action_space != "discrete":
            raise not_built(
                f"a CNN agent with continuous actions ({env.id}; the pixel agent is built for "
                "discrete actions)",
                "task.environment",
                env.id,
            )
        blueprint.family, blueprint.arch, blueprint.task = "cnn", "policy_cnn", "policy_gradient"
        atari = env.atari_frame is not None
        size = ATARI_IMAGE_SIZE if atari else PIXELS_IMAGE_SIZE
        stack = FRAMES_DATA["frame_stack"]
        blueprint.fixed_dims.update(
            in_channels=stack, image_size=size, num_actions=env.num_actions, head="actor_critic"
        )
        self.plan_trunk(spec, blueprint)
        blueprint.data.update(
            kind="atari" if atari else "pixels", env_id=env.id, image_size=size, frame_stack=stack
        )
        blueprint.smoke_data["eval_episodes"] = FRAMES_SMOKE_EVAL_EPISODES
        blueprint.train_settings.update(FRAMES_PPO if atari else PIXELS_PPO)
        if (spec.task.algorithm or "ppo").lower() == "reinforce":
            blueprint.train_settings.update(REINFORCE)
        blueprint.smoke_train.update(FRAMES_SMOKE)
        blueprint.components = [
            ("trunk", f"CNN over {stack} stacked grey {size}x{size} frames, then a linear layer"),
            ("actor", f"logits over {env.num_actions} actions"),
            ("critic", "the frames' value"),
        ]
        blueprint.decisions.append(pixel_decision(env, spec.task.environment is None, size, stack))
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def plan_trunk(self, spec, blueprint: Blueprint) -> None:
        """architecture.variant: a named variant (nature_cnn, impala_cnn) or a trunk's name
        (nature, impala: that variant over this environment's frames); none: the Nature trunk,
        its last layer sized by the solver."""
        variant = blueprint.variant
        if variant in TRUNK_VARIANTS:
            blueprint.variant = TRUNK_VARIANTS[variant]
            blueprint.decisions.append(
                f"architecture.variant '{variant}' names the {variant} trunk: the plan builds "
                f"the named variant {blueprint.variant} over this environment's frames and "
                "actions, so its count differs from the published one where they differ (below)."
            )
        elif variant is None:
            blueprint.fixed_dims["trunk"] = "nature"

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "actor_critic_head", "num_actions": blueprint.fixed_dims["num_actions"]}

    def get_loss_function(self, spec) -> str:
        return "policy_gradient"  # the runtime task; its algorithm is in the training settings

    def get_metrics(self, spec) -> list[str]:
        return list(POLICY_METRICS)


def pixel_decision(env: Environment, default: bool, size: int, stack: int) -> str:
    """The plan's words for a pixel agent's environment and frames."""
    chosen = (
        f"No task.environment: a pixel agent plays {env.id}, an Atari game of the Nature DQN "
        "paper whose minimal action set is all 18 actions. "
        if default
        else ""
    )
    if env.atari_frame is not None:
        frames = (
            f"{env.id}: {env.num_actions} actions; frames preprocessed as Mnih et al. 2015 "
            "(gymnasium's AtariPreprocessing: each action repeated for 4 frames, up to 30 "
            f"no-ops at reset, grey {size}x{size}), the last {stack} stacked; training episodes "
            "end on a life lost and see rewards clipped to their sign, evaluation plays whole "
            "games."
        )
        settings = "CleanRL's Atari settings"
    else:
        frames = (
            f"{env.id} seen through its rendered frames, as silhouettes on black (cut to the "
            f"rows where the bodies move, where known), {size}x{size}, the last {stack} stacked "
            f"so that velocities show; {env.num_actions} actions."
        )
        settings = "the vector agent's CartPole settings with 10 epochs"
    return (
        f"{chosen}{frames} PPO with {settings} in 8 synchronous copies; evaluation plays "
        "seeded held-out episodes acting deterministically, beside a random policy on the "
        "same episodes."
    )
