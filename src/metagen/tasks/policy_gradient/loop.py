"""PPO's training loop, read top to bottom: collect a rollout in every environment, estimate
advantages with GAE, then take clipped-objective steps over shuffled minibatches of it
(Schulman et al. 2017, as CleanRL's ppo.py writes it). Checkpoints hold the weights, the
optimizer, the update count and every RNG state; a resumed run's environments start new
episodes (an environment's internal state is not saved)."""

import time
from pathlib import Path

import numpy as np
import torch

from metagen.tasks.policy_gradient.loss import action_distribution
from metagen.train.agent_metrics import agent_run_metrics
from metagen.train.checkpoint import find_checkpoint, load_checkpoint, save_checkpoint


def train_policy_gradient(
    model, envs, held_out, cfg: dict, out_dir, *, loss_fn, evaluator, resume=False, log=print
) -> dict:
    """Train `model` for cfg["steps"] environment steps; return the run's metrics."""
    device = torch.device("cpu")
    rollout_steps, num_envs = cfg["rollout_steps"], envs.num_envs
    batch_size = rollout_steps * num_envs  # environment steps per update
    updates = max(1, cfg["steps"] // batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"], eps=1e-5)
    ckpt_dir = Path(out_dir) / "checkpoints"
    start = 0
    if resume and find_checkpoint(ckpt_dir):
        start = load_checkpoint(ckpt_dir, model=model, optimizer=optimizer)["step"]
        log(f"resumed at update {start} of {updates}")
    obs, _ = envs.reset(seed=cfg["seed"] + start * num_envs)
    episode_returns: list[float] = []
    running = np.zeros(num_envs)  # each copy's return so far in its episode
    # rewards as learned: divided by the running spread of the discounted return, where the
    # settings ask (not saved: a resumed run measures the spread afresh)
    scale = RewardScaler(num_envs, cfg["gamma"]) if cfg["scale_rewards"] else None
    losses: list[float] = []
    curve: list[list] = []
    started = time.perf_counter()
    for update in range(start, updates):
        # -----------------------------------------------------------------------------------
        # anneal the learning rate linearly to zero, then collect one rollout
        for group in optimizer.param_groups:
            group["lr"] = cfg["lr"] * (1.0 - update / updates)
        rollout, obs = collect_rollout(
            model, envs, obs, rollout_steps, cfg["gamma"], running, episode_returns, scale
        )
        advantages, returns = gae(rollout, cfg["gamma"], cfg["gae_lambda"])
        batch = {
            "obs": rollout["obs"].flatten(0, 1),
            "actions": rollout["actions"].flatten(0, 1),
            "logprobs": rollout["logprobs"].flatten(0, 1),
            "advantages": advantages.flatten(),
            "returns": returns.flatten(),
        }
        # -----------------------------------------------------------------------------------
        # several epochs of clipped-objective steps over shuffled minibatches
        model.train()
        minibatch = batch_size // cfg["minibatches"]
        for _ in range(cfg["update_epochs"]):
            order = torch.randperm(batch_size)
            for begin in range(0, batch_size, minibatch):
                index = order[begin : begin + minibatch]
                outputs = model(obs=batch["obs"][index])
                loss = loss_fn(
                    outputs,
                    {k: v[index] for k, v in batch.items()},
                    clip_coef=cfg["clip_coef"],
                    vf_coef=cfg["vf_coef"],
                    ent_coef=cfg["ent_coef"],
                )
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["max_grad_norm"])
                optimizer.step()
                losses.append(loss.item())
        done_updates = update + 1
        curve.append([done_updates * batch_size, losses[-1]])  # (env steps, last minibatch loss)
        if done_updates % cfg["log_every"] == 0 or done_updates == updates:
            recent = episode_returns[-20:]
            shown = f"{np.mean(recent):.1f}" if recent else "n/a"
            log(
                f"update {done_updates}/{updates}  env steps {done_updates * batch_size}  "
                f"loss {losses[-1]:.4f}  mean return (last {len(recent)} episodes) {shown}"
            )
        if done_updates % cfg["checkpoint_every"] == 0 or done_updates == updates:
            save_checkpoint(ckpt_dir, model, optimizer, done_updates, cfg)
    # ---------------------------------------------------------------------------------------
    # held-out episodes, the agent's and a random policy's
    seconds = time.perf_counter() - started
    results = evaluator(model, held_out, device)
    return agent_run_metrics(
        model, cfg, task="policy_gradient", steps=updates * batch_size,
        start_step=start * batch_size, batch_size=batch_size, loss_curve=curve, evaluation=results, seconds=seconds,
        train_episodes=len(episode_returns), updates=updates,
    )  # fmt: skip


def collect_rollout(
    model, envs, obs, rollout_steps: int, gamma: float, running, finished, scale=None
):
    """`rollout_steps` steps in every environment, sampling actions from the policy. A
    truncated episode (a time limit, not a failure) has its last state's value added to the
    final reward, so that the cut does not read as the end of all reward. Returns the rollout
    (each tensor (T, N, ...)) and the observation to continue from; finished episodes'
    returns (unscaled) are appended to `finished`."""
    keys = ("obs", "actions", "logprobs", "rewards", "dones", "values")
    steps: dict[str, list] = {key: [] for key in keys}
    model.eval()
    for _ in range(rollout_steps):
        x = torch.as_tensor(obs, dtype=torch.float32)
        with torch.no_grad():
            outputs = model(obs=x)
            dist = action_distribution(outputs)
            action = dist.sample()
        env_action = action.numpy()
        if "mean" in outputs:  # a Gaussian's sample can leave the box: the env gets it clipped
            space = envs.single_action_space
            env_action = np.clip(env_action, space.low, space.high)
        next_obs, reward, terminated, truncated, info = envs.step(env_action)
        reward = np.asarray(reward, dtype=np.float64)
        running += reward
        for i in np.flatnonzero(terminated | truncated):
            finished.append(float(running[i]))
            running[i] = 0.0
        if scale is not None:
            reward = scale(reward, terminated | truncated)
        cut = np.flatnonzero(truncated & ~terminated)
        if len(cut):
            final = torch.as_tensor(np.stack(info["final_obs"][cut]), dtype=torch.float32)
            with torch.no_grad():
                reward[cut] += gamma * model(obs=final)["value"].numpy()
        for key, value in zip(
            keys,
            (
                x,
                action,
                dist.log_prob(action),
                torch.as_tensor(reward, dtype=torch.float32),
                torch.as_tensor(terminated | truncated, dtype=torch.float32),
                outputs["value"],
            ),
            strict=True,
        ):
            steps[key].append(value)
        obs = next_obs
    rollout = {key: torch.stack(values) for key, values in steps.items()}
    with torch.no_grad():
        rollout["next_value"] = model(obs=torch.as_tensor(obs, dtype=torch.float32))["value"]
    return rollout, obs


class RewardScaler:
    """Rewards divided by the running standard deviation of each copy's discounted return,
    as gymnasium's NormalizeReward does (Engstrom et al. 2020): the critic then learns values
    of about unit scale, whatever the environment's reward scale."""

    def __init__(self, num_envs: int, gamma: float) -> None:
        self.gamma, self.discounted = gamma, np.zeros(num_envs)
        self.count, self.mean, self.var = 1e-4, 0.0, 1.0

    def __call__(self, reward: np.ndarray, done: np.ndarray) -> np.ndarray:
        self.discounted = self.discounted * self.gamma + reward
        batch_mean, batch_var, n = self.discounted.mean(), self.discounted.var(), reward.size
        # Chan et al.'s parallel update of the running mean and variance
        delta, total = batch_mean - self.mean, self.count + n
        self.mean += delta * n / total
        self.var = (
            self.var * self.count + batch_var * n + delta**2 * self.count * n / total
        ) / total
        self.count = total
        self.discounted[done] = 0.0
        return reward / np.sqrt(self.var + 1e-8)


def gae(rollout: dict, gamma: float, lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalized advantage estimation (Schulman et al. 2016): advantages and the value
    targets (advantage + value), each (T, N). dones[t] marks an episode that ended at step t:
    nothing after it is credited to it."""
    rewards, values, dones = rollout["rewards"], rollout["values"], rollout["dones"]
    advantages = torch.zeros_like(rewards)
    last, next_value = torch.zeros_like(rewards[0]), rollout["next_value"]
    for t in reversed(range(len(rewards))):
        alive = 1.0 - dones[t]
        delta = rewards[t] + gamma * next_value * alive - values[t]
        last = delta + gamma * lam * alive * last
        advantages[t] = last
        next_value = values[t]
    return advantages, advantages + values
