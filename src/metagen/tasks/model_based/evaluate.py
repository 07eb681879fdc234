"""Acting with a world model by planning in it, and its held-out scores: the return of
seeded episodes beside a random policy's, and the one-step prediction error of the next
observation beside a "no change" predictor's (next observation = observation).

The planner is random-shooting model-predictive control (Nagabandi et al. 2018; PETS without
the ensemble): draw candidate action sequences, imagine each in the latent dynamics, score it
by its discounted predicted rewards while the episode is predicted to go on, plus the
discounted value of where it ends, and take the best sequence's first action. It replans at
every step."""

import numpy as np
import torch

from metagen.data.environments import make_environment, space_dims
from metagen.evaluate.episode_returns import compare_with_random_policy
from metagen.tasks.model_based.loss import world_model_loss, world_model_targets


def random_action_sequences(space: dict, batch: int, candidates: int, horizon: int, generator):
    """Uniform actions: (B, N, H) int64 for a discrete space, (B, N, H, A) float for a box."""
    if space["kind"] == "discrete":
        return torch.randint(0, space["n"], (batch, candidates, horizon), generator=generator)
    low = torch.tensor(space["low"], dtype=torch.float32)
    high = torch.tensor(space["high"], dtype=torch.float32)
    draws = torch.rand(batch, candidates, horizon, *low.shape, generator=generator)
    return low + draws * (high - low)


def imagined_returns(imagined: dict, gamma: float) -> torch.Tensor:
    """(B, N) scores of imagined sequences: sum_t gamma^t alive_t r_t + gamma^H alive_H V,
    where alive_t is the predicted probability that the episode is still going before step t
    and V = final_value / (1 - gamma) (the value head learns the per-step average, loop.py)."""
    rewards = imagined["rewards"]  # (B, N, H)
    horizon = rewards.shape[-1]
    alive_after = torch.sigmoid(imagined["continue_logits"]).cumprod(-1)  # (B, N, H)
    alive_before = torch.cat([torch.ones_like(alive_after[..., :1]), alive_after[..., :-1]], -1)
    discounts = gamma ** torch.arange(horizon, dtype=rewards.dtype)
    scores = (rewards * alive_before * discounts).sum(-1)
    value = imagined["final_value"] / (1 - gamma)
    return scores + gamma**horizon * alive_after[..., -1] * value


def plan_actions(model, obs: torch.Tensor, space: dict, planner: dict, generator) -> torch.Tensor:
    """The first action of the best of planner["candidates"] random sequences of
    planner["horizon"] steps, for each observation of obs (B, obs_dim)."""
    sequences = random_action_sequences(
        space, obs.shape[0], planner["candidates"], planner["horizon"], generator
    )
    with torch.no_grad():
        scores = imagined_returns(model.imagine(obs, sequences), planner["gamma"])
    best = scores.argmax(-1)  # (B,)
    return sequences[torch.arange(obs.shape[0]), best, 0]


def planned_action(model, obs, env, planner: dict, generator):
    """The planner's action for one observation, in the environment's terms."""
    x = torch.as_tensor(np.asarray(obs), dtype=torch.float32).unsqueeze(0)
    action = plan_actions(model, x, space_dims(env.action_space), planner, generator)[0]
    if action.dim() == 0:
        return int(action.item())
    return action.numpy().astype(np.float32)


def held_out_transitions(env_id: str, seeds: list[int]) -> dict:
    """(obs, action, next_obs, reward, terminated) of a random policy's episodes from the
    held-out `seeds`, which no training step collected."""
    env = make_environment(env_id)
    obs_list, actions, next_list, rewards, ends = [], [], [], [], []
    try:
        for seed in seeds:
            obs, _ = env.reset(seed=seed)
            env.action_space.seed(seed)
            done = False
            while not done:
                action = env.action_space.sample()
                next_obs, reward, terminated, truncated, _ = env.step(action)
                obs_list.append(obs)
                actions.append(action)
                next_list.append(next_obs)
                rewards.append(float(reward))
                ends.append(float(terminated))
                obs, done = next_obs, terminated or truncated
    finally:
        env.close()
    return {
        "obs": torch.as_tensor(np.stack(obs_list), dtype=torch.float32),
        "action": torch.as_tensor(np.stack(actions)),
        "next_obs": torch.as_tensor(np.stack(next_list), dtype=torch.float32),
        "reward": torch.tensor(rewards, dtype=torch.float32),
        "terminated": torch.tensor(ends, dtype=torch.float32),
    }


def prediction_errors(model, transitions: dict) -> dict:
    """Mean squared error of the predicted next observation, and of the observation itself
    taken as the prediction ("no change"), over every value of every transition."""
    with torch.no_grad():
        predicted = model(obs=transitions["obs"], action=transitions["action"])["next_obs"]
    target = transitions["next_obs"]
    return {
        "next_obs_mse": float((predicted - target).square().mean()),
        "no_change_next_obs_mse": float((transitions["obs"] - target).square().mean()),
        "transitions": int(target.shape[0]),
    }


def evaluate_world_model(model, batches, device) -> dict:
    """`batches`: the held-out episodes ({"env_id", "seeds", "planner"}); "planner" holds the
    horizon, candidates and gamma. The planner's draws come from a generator seeded by the
    first episode's seed, so an evaluation is reproducible."""
    model.eval()
    generator = torch.Generator().manual_seed(batches["seeds"][0])
    results = compare_with_random_policy(
        lambda obs, env: planned_action(model, obs, env, batches["planner"], generator), batches
    )
    transitions = held_out_transitions(batches["env_id"], batches["seeds"])
    results.update(prediction_errors(model, transitions))
    batch = world_model_targets(model, transitions, batches["planner"]["gamma"])
    with torch.no_grad():  # the training loss, on the held-out transitions
        outputs = model(obs=batch["obs"], action=batch["action"])
        results["loss"] = float(world_model_loss(outputs, batch))
    return results
