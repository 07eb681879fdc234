"""Planning an agent over frames (architecture.family cnn, modality.inputs [image]), shared by
the tasks that build one: the environment, the frames it is seen through, and the CNN trunk
(archs/policy_cnn) with the task's head. Each task then lays its own training settings over."""

from __future__ import annotations

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.planned import not_built
from metagen.handlers.tasks.rl_environments import Environment, plan_environment

# An agent over frames that names no environment plays Seaquest: a game of the Nature DQN
# paper (Mnih et al. 2015) whose minimal action set is the full 18 actions, so that a spec
# asking for 18 actions (the Atari seed) fits it, and one that PPO improves on within 10M steps.
DEFAULT_ATARI_GAME = "ALE/Seaquest-v5"
# Frames the agent sees: Atari's 84x84 (Mnih et al. 2015); a classic-control render shrinks
# to 64x64 (data/pixel_frames.py cuts it to the rows where the bodies move first).
ATARI_IMAGE_SIZE = 84
PIXELS_IMAGE_SIZE = 64
FRAME_STACK = 4  # frames stacked so that velocities show
# The smoke scale's held-out episodes: an Atari game lasts thousands of steps.
FRAMES_SMOKE_EVAL_EPISODES = 3
# Trunk names a spec may give as architecture.variant, and the named variant each plans.
TRUNK_VARIANTS = {"nature": "nature_cnn", "impala": "impala_cnn"}


def plan_frames(spec, blueprint: Blueprint, task: str, head: str) -> Environment:
    """Set the blueprint's arch (policy_cnn with `head`), frame dims and data for a `task`
    agent over the frames of the spec's environment; return the environment."""
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
    blueprint.family, blueprint.arch, blueprint.task = "cnn", "policy_cnn", task
    atari = env.atari_frame is not None
    size = ATARI_IMAGE_SIZE if atari else PIXELS_IMAGE_SIZE
    blueprint.fixed_dims.update(
        in_channels=FRAME_STACK, image_size=size, num_actions=env.num_actions, head=head
    )
    plan_trunk(blueprint)
    blueprint.data.update(
        kind="atari" if atari else "pixels",
        env_id=env.id,
        image_size=size,
        frame_stack=FRAME_STACK,
    )
    blueprint.smoke_data["eval_episodes"] = FRAMES_SMOKE_EVAL_EPISODES
    look = "grey" if atari else "silhouette"
    blueprint.components = [
        (
            "trunk",
            f"CNN over {FRAME_STACK} stacked {look} {size}x{size} frames, then a linear layer",
        )
    ]  # the task appends its head's
    return env


def plan_trunk(blueprint: Blueprint) -> None:
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


def frames_description(env: Environment, default: bool) -> str:
    """The plan's words for an agent's environment and the frames it sees."""
    size = ATARI_IMAGE_SIZE if env.atari_frame is not None else PIXELS_IMAGE_SIZE
    chosen = (
        f"No task.environment: a pixel agent plays {env.id}, an Atari game of the Nature DQN "
        "paper whose minimal action set is all 18 actions. "
        if default
        else ""
    )
    if env.atari_frame is not None:
        return chosen + (
            f"{env.id}: {env.num_actions} actions; frames preprocessed as Mnih et al. 2015 "
            "(gymnasium's AtariPreprocessing: each action repeated for 4 frames, up to 30 "
            f"no-ops at reset, grey {size}x{size}), the last {FRAME_STACK} stacked; training "
            "episodes end on a life lost and see rewards clipped to their sign, evaluation "
            "plays whole games."
        )
    return chosen + (
        f"{env.id} seen through its rendered frames, as silhouettes on black (cut to the rows "
        f"where the bodies move, where known), {size}x{size}, the last {FRAME_STACK} stacked so "
        f"that velocities show; {env.num_actions} actions."
    )
