"""Model-based reinforcement learning: a learned world model (encoder, latent dynamics,
decoder, reward, continuation and value heads) trained on the agent's own transitions, acting
by random-shooting model-predictive control in its latent space. Held out: the return of
seeded episodes beside a random policy's, and the one-step prediction error of the next
observation beside a "no change" predictor's."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.planned import not_built
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.rl_agents import agent_family, check_observation_vectors
from metagen.handlers.tasks.rl_environments import plan_environment
from metagen.tasks.model_based.defaults import PLANNER_HORIZON
from metagen.tasks.policy_gradient.handler import DEFAULT_ENVIRONMENT

ALGORITHMS = ("mpc",)
# Imagination-trained actors and search over a learned model: named so a spec gets "not built".
NOT_BUILT_ALGORITHMS = {"dreamer": "Dreamer (an actor-critic trained in imagination)",
                        "muzero": "MuZero (tree search in a learned model)"}  # fmt: skip
WORLD_MODEL_METRICS = [
    "loss",  # the world model's training loss, on held-out transitions
    "mean_return", "std_return", "random_mean_return", "random_std_return",
    "next_obs_mse", "no_change_next_obs_mse",
]  # fmt: skip
LATENT = 32  # the latent state's size: PlaNet's and TD-MPC's state-vector models use 32-64
# The hybrid's stochastic state: PlaNet's Gaussian of 30 values, rounded. DreamerV3's
# categorical form (16 variables of 16 classes) was measured here first and learned CartPole's
# continuous state far slower: after 400 updates its one-step error was over 10x no change's.
STOCH = 32
# The hybrid's windows per minibatch: its GRU steps through them one at a time, so 64 windows
# of 12 steps (DreamerV3 trains on 16 of 64) keep an update near 20 ms on one CPU thread.
RECURRENT_BATCH = 64


@register_task("model_based")
class ModelBasedTaskHandler(TaskHandler):
    name = "model_based"
    supported_modalities = ("tabular",)  # observation vectors
    output_type = "action"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        algorithm = (spec.task.algorithm or "mpc").lower()
        if algorithm in NOT_BUILT_ALGORITHMS:
            what = f"{NOT_BUILT_ALGORITHMS[algorithm]} (a world model with MPC is built: mpc)"
            raise not_built(what, "task.algorithm", algorithm)
        if algorithm not in ALGORITHMS:
            raise PlanError(
                f"task.algorithm '{algorithm}' is not a model-based algorithm MetaGen builds; "
                "use mpc (a learned world model, planning by random shooting), or remove it."
            )
        blueprint.family = agent_family(spec, self.name, ("mlp", "transformer", "hybrid"))
        check_observation_vectors(spec, self.name, blueprint.family)
        env = plan_environment(spec, blueprint, DEFAULT_ENVIRONMENT)
        continuous = env.action_space == "continuous"
        blueprint.task = "model_based"
        blueprint.fixed_dims.update(
            obs_dim=env.observation_dim,
            num_actions=env.num_actions,
            continuous=continuous,
        )
        blueprint.data.update(kind="environment", env_id=env.id)
        action = (
            f"{env.num_actions}-value action" if continuous else f"one-hot of {env.num_actions}"
        )
        if blueprint.family == "transformer":
            plan_sequence_model(blueprint, env.observation_dim, action)
        elif blueprint.family == "hybrid":
            plan_recurrent_model(blueprint, env.observation_dim, action)
        else:
            blueprint.arch = "world_model"
            blueprint.fixed_dims["d_latent"] = LATENT
            blueprint.components = [
                (
                    "encoder",
                    f"SiLU MLP from the {env.observation_dim}-value observation to a latent",
                ),
                ("dynamics", f"SiLU MLP: the latent's change after an action (latent + {action})"),
                ("decoder", "SiLU MLP from a latent back to the observation"),
                ("reward", "SiLU MLP: the reward of an action in a latent"),
                ("continuation", "SiLU MLP: the logit that the episode goes on from a latent"),
                ("value", "SiLU MLP: the latent's discounted return (per step, x (1 - gamma))"),
            ]
        blueprint.decisions.append(
            f"{env.id}: observations of {env.observation_dim} values, "
            f"{env.action_space} actions ({env.num_actions}). A world model trained on the "
            "agent's own transitions (random actions first), acting by random-shooting "
            "model-predictive control in its latent space (the best of many imagined action "
            "sequences, scored by predicted rewards while the episode goes on and the value "
            "of where it ends); evaluation plays seeded held-out episodes beside a random "
            "policy, and scores the next-observation prediction beside a no-change predictor."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "world_model_heads", "num_actions": blueprint.fixed_dims["num_actions"]}

    def get_loss_function(self, spec) -> str:
        return "model_based"

    def get_metrics(self, spec) -> list[str]:
        return list(WORLD_MODEL_METRICS)


def plan_sequence_model(blueprint: Blueprint, obs_dim: int, action: str) -> None:
    """A world model whose dynamics are a causal transformer over (latent, action) tokens
    (world_transformer), trained on windows of consecutive steps as long as the planner's
    horizon, which it imagines over."""
    context = PLANNER_HORIZON
    blueprint.arch = "world_transformer"
    blueprint.fixed_dims.update(d_latent=LATENT, context=context, mlp_layers=2)
    blueprint.data["context"] = context
    blueprint.train_settings["sequence_length"] = context
    blueprint.components = [
        ("encoder", f"SiLU MLP from the {obs_dim}-value observation to a latent"),
        ("embed", f"each step's (latent + {action}) a token, plus a learned position"),
        ("blocks", "pre-norm causal transformer blocks over the steps so far"),
        ("norm", "layer norm of each step's vector"),
        ("dynamics", "linear: the latent's change after the step's action"),
        ("reward", "linear: the reward of the step's action"),
        ("decoder", "SiLU MLP from a latent back to the observation"),
        ("continuation", "SiLU MLP: the logit that the episode goes on from a latent"),
        ("value", "SiLU MLP: the latent's discounted return (per step, x (1 - gamma))"),
    ]
    blueprint.decisions.append(
        f"Family transformer: the latent dynamics are a causal transformer over the steps so "
        f"far (TWM-style), trained on windows of {context} consecutive steps of one "
        "environment copy (the loss stops at an episode's end), and imagined over the "
        f"planner's horizon of {context} steps, each predicted latent the next token."
    )


def plan_recurrent_model(blueprint: Blueprint, obs_dim: int, action: str) -> None:
    """A recurrent state-space world model (world_rssm): a deterministic GRU memory and a
    stochastic Gaussian state, trained on windows of consecutive steps as long as the
    planner's horizon, which it imagines over from its learned initial memory."""
    steps = PLANNER_HORIZON
    blueprint.arch = "world_rssm"
    blueprint.fixed_dims["d_stoch"] = STOCH
    blueprint.train_settings.update(sequence_length=steps, batch_size=RECURRENT_BATCH)
    blueprint.components = [
        ("initial", "the learned memory before the first step (tanh of a vector)"),
        ("encoder", f"SiLU MLP from the {obs_dim}-value observation to an embedding"),
        ("posterior", "SiLU MLP: the stochastic state's mean and std from memory and embedding"),
        ("step_in", f"linear + SiLU: the GRU's input from the stochastic state + {action}"),
        ("gru", "GRU cell: the deterministic memory, one step per action"),
        ("prior", "SiLU MLP: the stochastic state's mean and std from the memory alone"),
        ("decoder", "SiLU MLP from a state (memory + stochastic) back to the observation"),
        ("reward", "SiLU MLP: the reward of the step that led to a state"),
        ("continuation", "SiLU MLP: the logit that the episode goes on from a state"),
        ("value", "SiLU MLP: the state's discounted return (per step, x (1 - gamma))"),
    ]
    blueprint.decisions.append(
        f"Family hybrid: a recurrent state-space model (PlaNet's RSSM): a GRU memory and a "
        f"Gaussian stochastic state of {STOCH} values, the prior fitted to the posterior by "
        "DreamerV3's balanced KL with 1 free nat; trained on minibatches of "
        f"{RECURRENT_BATCH} windows of {steps} consecutive steps of one environment copy (the "
        "loss stops at an episode's end), and imagined on its priors over the planner's "
        f"horizon of {steps} steps from its learned initial memory."
    )
