"""The model-based agent's training loop, read top to bottom: collect transitions in every
environment (random actions for the first cfg["seed_steps"] steps, then the planner), store
them, and fit the world model to minibatches of everything collected so far (Nagabandi et al.
2018's loop: model-predictive control in a learned model). Checkpoints hold the weights, the
optimizer, the iteration count and every RNG state; the collected transitions are not saved,
so a resumed run refills its buffer with the planner from where it stopped, and its
environments start new episodes."""

import time
from pathlib import Path

import numpy as np
import torch

from metagen.data.environments import space_dims
from metagen.tasks.model_based.evaluate import plan_actions, random_action_sequences
from metagen.tasks.model_based.loss import world_model_targets
from metagen.train.agent_metrics import agent_run_metrics
from metagen.train.checkpoint import find_checkpoint, load_checkpoint, save_checkpoint


def train_model_based(
    model, envs, held_out, cfg: dict, out_dir, *, loss_fn, evaluator, resume=False, log=print
) -> dict:
    """Train `model` for cfg["steps"] environment steps; return the run's metrics."""
    device = torch.device("cpu")
    num_envs, collect = envs.num_envs, cfg["collect_steps"]  # env steps per iteration
    iterations = max(1, cfg["steps"] // collect)
    space = space_dims(envs.single_action_space)
    planner = {key: cfg[key] for key in ("horizon", "candidates", "gamma")}
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    ckpt_dir = Path(out_dir) / "checkpoints"
    start = 0
    if resume and find_checkpoint(ckpt_dir):
        start = load_checkpoint(ckpt_dir, model=model, optimizer=optimizer)["step"]
        log(f"resumed at iteration {start} of {iterations}")
    generator = torch.Generator().manual_seed(cfg["seed"] + start)  # actions and minibatches
    buffer = TransitionBuffer(iterations * collect)
    obs, _ = envs.reset(seed=cfg["seed"] + start * num_envs)
    episode_returns: list[float] = []
    running = np.zeros(num_envs)  # each copy's return so far in its episode
    curve: list[list] = []
    started = time.perf_counter()
    for iteration in range(start, iterations):
        # -----------------------------------------------------------------------------------
        # collect: random actions until seed_steps, then plan in the world model
        planning = iteration * collect >= cfg["seed_steps"]
        model.eval()
        for _ in range(collect // num_envs):
            x = torch.as_tensor(obs, dtype=torch.float32)
            if planning:
                action = plan_actions(model, x, space, planner, generator)
            else:
                action = random_action_sequences(space, num_envs, 1, 1, generator)[:, 0, 0]
            next_obs, reward, terminated, truncated, info = envs.step(action.numpy())
            running += reward
            stored_next = np.array(next_obs, dtype=np.float32)  # a reset copy's last obs:
            for i in np.flatnonzero(terminated | truncated):  # info["final_obs"]
                stored_next[i] = info["final_obs"][i]
                episode_returns.append(float(running[i]))
                running[i] = 0.0
            buffer.add(x, action, stored_next, reward, terminated, terminated | truncated)
            obs = next_obs
        # -----------------------------------------------------------------------------------
        # fit the world model to minibatches of every transition collected so far
        model.train()
        losses = []
        for _ in range(cfg["updates_per_iteration"]):
            if cfg.get("sequence_length"):  # a sequence model learns from windows of steps
                batch = buffer.sample_windows(cfg["batch_size"], cfg["sequence_length"], generator)
            else:
                batch = buffer.sample(cfg["batch_size"], generator)
            batch = world_model_targets(model, batch, cfg["gamma"])
            loss = loss_fn(model(obs=batch["obs"], action=batch["action"]), batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["max_grad_norm"])
            optimizer.step()
            losses.append(loss.item())
        done = iteration + 1
        curve.append([done * collect, float(np.mean(losses))])  # (env steps, mean loss)
        if done % cfg["log_every"] == 0 or done == iterations:
            recent = episode_returns[-20:]
            shown = f"{np.mean(recent):.1f}" if recent else "n/a"
            log(
                f"iteration {done}/{iterations}  env steps {done * collect}  "
                f"loss {curve[-1][1]:.4f}  mean return (last {len(recent)} episodes) {shown}"
            )
        if done % cfg["checkpoint_every"] == 0 or done == iterations:
            save_checkpoint(ckpt_dir, model, optimizer, done, cfg)
    # ---------------------------------------------------------------------------------------
    # held-out episodes, planned and random, and the world model's one-step predictions
    seconds = time.perf_counter() - started
    results = evaluator(model, {**held_out, "planner": planner}, device)
    return agent_run_metrics(
        model, cfg, task="model_based", steps=iterations * collect, start_step=start * collect,
        batch_size=cfg["batch_size"], loss_curve=curve, evaluation=results, seconds=seconds,
        train_episodes=len(episode_returns), iterations=iterations,
    )  # fmt: skip


class TransitionBuffer:
    """Every transition collected, up to `capacity`: obs, action, next_obs, reward,
    terminated and ends (terminated or truncated), each a tensor filled in order, a row per
    environment copy at each step."""

    def __init__(self, capacity: int) -> None:
        self.capacity, self.size, self.copies = capacity, 0, 1
        self.data: dict[str, torch.Tensor] = {}

    def add(self, obs, action, next_obs, reward, terminated, ends) -> None:
        rows = {
            "obs": obs,
            "action": action,
            "next_obs": torch.as_tensor(next_obs),
            "reward": torch.as_tensor(reward, dtype=torch.float32),
            "terminated": torch.as_tensor(terminated, dtype=torch.float32),
            "ends": torch.as_tensor(ends, dtype=torch.float32),
        }
        self.copies = len(obs)
        count = min(len(obs), self.capacity - self.size)
        for key, value in rows.items():
            if key not in self.data:
                self.data[key] = torch.zeros(self.capacity, *value.shape[1:], dtype=value.dtype)
            self.data[key][self.size : self.size + count] = value[:count]
        self.size += count

    def sample(self, batch_size: int, generator) -> dict[str, torch.Tensor]:
        index = torch.randint(0, self.size, (batch_size,), generator=generator)
        return {key: value[index] for key, value in self.data.items()}

    def sample_windows(self, batch_size: int, length: int, generator) -> dict[str, torch.Tensor]:
        """`batch_size` windows of `length` consecutive steps of one environment copy, each
        tensor (B, T, ...), and "mask" (B, T): 1.0 up to and including the step that ends the
        window's first episode, 0.0 after it (those steps belong to the next episode)."""
        steps = self.size // self.copies  # whole steps stored
        length = min(length, steps)
        start = torch.randint(0, steps - length + 1, (batch_size, 1), generator=generator)
        copy = torch.randint(0, self.copies, (batch_size, 1), generator=generator)
        index = (start + torch.arange(length)) * self.copies + copy  # (B, T)
        batch = {key: value[index] for key, value in self.data.items()}
        ended_before = batch["ends"].cumsum(1) - batch["ends"]  # episode ends before each step
        batch["mask"] = (ended_before == 0).float()
        return batch
