"""DQN's training loop, read top to bottom (Mnih et al. 2015, as CleanRL's dqn.py writes it):
act epsilon-greedily, store each transition in a replay memory, and every few steps take
gradient steps on sampled transitions toward targets from a periodically copied target
network (double DQN by default, van Hasselt et al. 2016). Checkpoints hold the weights, the
target network, the optimizer, the environment step and every RNG state; the replay memory is
not saved, so a resumed run refills it (learning_starts transitions) before it learns again,
and its environments start new episodes."""

import copy
import time
from pathlib import Path

import numpy as np
import torch

from metagen.tasks.value_based.loss import dqn_targets
from metagen.train.agent_metrics import agent_run_metrics
from metagen.train.checkpoint import find_checkpoint, load_checkpoint, save_checkpoint


def train_value_based(
    model, envs, held_out, cfg: dict, out_dir, *, loss_fn, evaluator, resume=False, log=print
) -> dict:
    """Train `model` for cfg["steps"] environment steps; return the run's metrics."""
    device = torch.device("cpu")
    num_envs, steps = envs.num_envs, cfg["steps"]
    target = copy.deepcopy(model)  # the network the TD targets read, copied from `model`
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    ckpt_dir = Path(out_dir) / "checkpoints"
    start = 0
    if resume and find_checkpoint(ckpt_dir):
        state = load_checkpoint(ckpt_dir, model=model, optimizer=optimizer)
        start = state["step"]
        target.load_state_dict(state["extra"]["target"])
        log(f"resumed at env step {start} of {steps}; refilling the replay memory")
    target.eval()
    space = envs.single_observation_space
    # frames stay bytes in memory (a CNN scales them itself); vectors are float32
    memory = ReplayMemory(cfg["buffer_size"], space.shape, observation_dtype(space.dtype))
    num_actions = int(envs.single_action_space.n)
    decay_steps = cfg["exploration_fraction"] * steps
    obs, _ = envs.reset(seed=cfg["seed"] + start)
    episode_returns: list[float] = []
    running = np.zeros(num_envs)  # each copy's return so far in its episode
    curve: list[list] = []
    rounds, step = 0, start
    started = time.perf_counter()
    while step < steps:
        # -----------------------------------------------------------------------------------
        # act epsilon-greedily in every copy; store the transitions
        epsilon = linear_epsilon(step, cfg["epsilon_start"], cfg["epsilon_end"], decay_steps)
        x = torch.as_tensor(obs, dtype=memory.obs.dtype)
        with torch.no_grad():
            actions = model(obs=x)["q_values"].argmax(-1)
        explore = torch.rand(num_envs) < epsilon
        actions = torch.where(explore, torch.randint(num_actions, (num_envs,)), actions)
        next_obs, reward, terminated, truncated, info = envs.step(actions.numpy())
        running += reward
        ended = np.flatnonzero(terminated | truncated)
        stored_next = np.array(next_obs, copy=True)  # an ended episode's next state is its last
        for i in ended:
            episode_returns.append(float(running[i]))
            running[i] = 0.0
            stored_next[i] = info["final_obs"][i]
        memory.add(x, actions, reward, stored_next, terminated)
        obs = next_obs
        previous, step = step, step + num_envs
        if step // cfg["target_update_every"] > previous // cfg["target_update_every"]:
            target.load_state_dict(model.state_dict())
        # -----------------------------------------------------------------------------------
        # every train_every steps, a round of gradient steps on sampled transitions
        if step // cfg["train_every"] > previous // cfg["train_every"] and (
            len(memory) >= cfg["learning_starts"]
        ):
            if cfg["anneal_lr"]:  # toward zero at the last step: the greedy policy settles
                for group in optimizer.param_groups:
                    group["lr"] = cfg["lr"] * (1.0 - previous / steps)
            loss = gradient_round(model, target, optimizer, memory, cfg, loss_fn)
            rounds += 1
            curve.append([step, loss])  # (env steps, the round's mean loss)
            if rounds % cfg["log_every"] == 0:
                recent = episode_returns[-20:]
                shown = f"{np.mean(recent):.1f}" if recent else "n/a"
                log(
                    f"env steps {step}/{steps}  epsilon {epsilon:.3f}  loss {loss:.4f}  "
                    f"mean return (last {len(recent)} episodes) {shown}"
                )
        if step // cfg["checkpoint_every"] > previous // cfg["checkpoint_every"]:
            save_checkpoint(ckpt_dir, model, optimizer, step, cfg, {"target": target.state_dict()})
    if step > start:  # the run's end, wherever the last checkpoint fell
        save_checkpoint(ckpt_dir, model, optimizer, step, cfg, {"target": target.state_dict()})
    # ---------------------------------------------------------------------------------------
    # held-out episodes, the agent's and a random policy's
    seconds = time.perf_counter() - started
    results = evaluator(model, held_out, device)
    return agent_run_metrics(
        model, cfg, task="value_based", steps=step, start_step=start,
        batch_size=cfg["batch_size"], loss_curve=curve, evaluation=results, seconds=seconds,
        train_episodes=len(episode_returns), gradient_steps=rounds * cfg["gradient_steps"],
    )  # fmt: skip


def gradient_round(model, target, optimizer, memory, cfg: dict, loss_fn) -> float:
    """cfg["gradient_steps"] Huber-loss steps, each on cfg["batch_size"] transitions sampled
    from the replay memory, toward TD targets from the target network; the mean loss."""
    model.train()
    losses = []
    for _ in range(cfg["gradient_steps"]):
        batch = memory.sample(cfg["batch_size"])
        with torch.no_grad():
            next_online = model(obs=batch["next_obs"])["q_values"]  # (B, A)
            next_target = target(obs=batch["next_obs"])["q_values"]
        batch["targets"] = dqn_targets(
            batch["rewards"], batch["terminated"], next_online, next_target,
            cfg["gamma"], cfg["double_dqn"],
        )  # fmt: skip
        loss = loss_fn(model(obs=batch["obs"]), batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["max_grad_norm"])
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return float(np.mean(losses))


def observation_dtype(dtype) -> torch.dtype:
    """How the replay memory stores an observation space's values: frames (uint8) as bytes,
    anything else as float32."""
    return torch.uint8 if np.dtype(dtype) == np.uint8 else torch.float32


def linear_epsilon(step: int, start: float, end: float, decay_steps: float) -> float:
    """The exploration rate at `step`: from `start` down to `end` linearly over
    `decay_steps`, then `end`."""
    if decay_steps <= 0:
        return end
    return start + (end - start) * min(1.0, step / decay_steps)


class ReplayMemory:
    """The last `capacity` transitions (obs, action, reward, next obs, terminated), written in
    a ring: once full, each new transition replaces the oldest. sample() draws uniformly, with
    replacement, from torch's global generator (seeded, and saved in checkpoints)."""

    def __init__(self, capacity: int, obs_shape: tuple[int, ...], obs_dtype=torch.float32):
        self.capacity, self.size, self.next_slot = capacity, 0, 0
        self.obs = torch.zeros(capacity, *obs_shape, dtype=obs_dtype)
        self.next_obs = torch.zeros(capacity, *obs_shape, dtype=obs_dtype)
        self.actions = torch.zeros(capacity, dtype=torch.long)
        self.rewards = torch.zeros(capacity)
        self.terminated = torch.zeros(capacity)

    def __len__(self) -> int:
        return self.size

    def add(self, obs, actions, rewards, next_obs, terminated) -> None:
        """One transition per environment copy: each argument's first axis is the copy."""
        for i in range(len(actions)):
            slot = self.next_slot
            self.obs[slot] = torch.as_tensor(obs[i], dtype=self.obs.dtype)
            self.next_obs[slot] = torch.as_tensor(next_obs[i], dtype=self.obs.dtype)
            self.actions[slot] = int(actions[i])
            self.rewards[slot] = float(rewards[i])
            self.terminated[slot] = float(terminated[i])
            self.next_slot = (slot + 1) % self.capacity
            self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size: int) -> dict[str, torch.Tensor]:
        index = torch.randint(self.size, (batch_size,))
        return {
            "obs": self.obs[index],
            "actions": self.actions[index],
            "rewards": self.rewards[index],
            "next_obs": self.next_obs[index],
            "terminated": self.terminated[index],
        }
