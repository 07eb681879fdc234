"""SAC's (or TD3's) training loop, read top to bottom, as CleanRL's sac_continuous_action.py
and td3_continuous_action.py write it: act in the environment, store the transition in a
replay buffer, then take one gradient step on a sampled batch: the twin critics towards a
bootstrapped target, the actor (and SAC's entropy temperature alpha), and the target networks
by Polyak averaging. A model with a deterministic actor trains as TD3 (smoothed targets,
delayed actor updates), a Gaussian one as SAC.

Checkpoints hold the weights (actor, critics, target critics and target actor), the three
optimizers, log alpha, the env step and every RNG state. The replay buffer is not saved: a
resumed run refills it with `learning_starts` steps of the restored policy before learning
again, and its environment starts new episodes."""

import time
from pathlib import Path

import numpy as np
import torch

from metagen.tasks.actor_critic.evaluate import to_env_action
from metagen.tasks.actor_critic.loss import polyak_update, smoothed_target_action, soft_q_target
from metagen.train.agent_metrics import agent_run_metrics
from metagen.train.checkpoint import find_checkpoint, load_checkpoint, save_checkpoint


def train_actor_critic(
    model, envs, held_out, cfg: dict, out_dir, *, loss_fn, evaluator, resume=False, log=print
) -> dict:
    """Train `model` for cfg["steps"] environment steps; return the run's metrics."""
    device = torch.device("cpu")
    td3 = model.actor_target is not None
    space = envs.single_action_space
    num_envs, num_actions = envs.num_envs, space.shape[0]
    critic_optimizer = torch.optim.Adam(model.critic.parameters(), lr=cfg["lr"])
    actor_optimizer = torch.optim.Adam(model.actor.parameters(), lr=cfg["policy_lr"])
    # SAC's temperature, tuned so that the policy's entropy stays near -|A|
    log_alpha = torch.zeros(1, requires_grad=True)
    alpha_optimizer = torch.optim.Adam([log_alpha], lr=cfg["lr"])
    target_entropy = -float(num_actions)
    ckpt_dir = Path(out_dir) / "checkpoints"
    start = 0
    if resume and find_checkpoint(ckpt_dir):
        state = load_checkpoint(ckpt_dir, model=model, optimizer=critic_optimizer)
        start, extra = state["step"], state["extra"]
        actor_optimizer.load_state_dict(extra["actor_optimizer"])
        alpha_optimizer.load_state_dict(extra["alpha_optimizer"])
        with torch.no_grad():
            log_alpha.copy_(extra["log_alpha"])
        log(
            f"resumed at env step {start} of {cfg['steps']}; the replay buffer is not saved: "
            f"refilling it with {cfg['learning_starts']} steps of the restored policy"
        )
    learn_from = start + cfg["learning_starts"]
    buffer = TransitionReplay(
        min(cfg["buffer_size"], cfg["steps"]), space_size(envs.single_observation_space),
        num_actions,
    )  # fmt: skip
    obs, _ = envs.reset(seed=cfg["seed"] + start)
    episode_returns: list[float] = []
    running = np.zeros(num_envs)  # each copy's return so far in its episode
    curve: list[list] = []
    gradient_steps = 0

    def save(done_steps: int) -> None:
        extra = {
            "actor_optimizer": actor_optimizer.state_dict(),
            "alpha_optimizer": alpha_optimizer.state_dict(),
            "log_alpha": log_alpha.detach().clone(),
        }
        save_checkpoint(ckpt_dir, model, critic_optimizer, done_steps, cfg, extra)

    started = time.perf_counter()
    for step in range(start, cfg["steps"], num_envs):
        # -----------------------------------------------------------------------------------
        # act: uniformly at random while a fresh run fills the buffer, else from the policy
        x = torch.as_tensor(obs, dtype=torch.float32)
        with torch.no_grad():
            if start == 0 and step < learn_from:
                action = torch.rand(num_envs, num_actions) * 2.0 - 1.0
            elif td3:  # a deterministic actor explores with Gaussian noise
                noise = torch.randn(num_envs, num_actions) * cfg["exploration_noise"]
                action = (model.actor.act(x) + noise).clamp(-1.0, 1.0)
            else:
                action, _ = model.actor.sample(x)
        env_action = to_env_action(action.numpy(), space.low, space.high)
        next_obs, reward, terminated, truncated, info = envs.step(env_action)
        running += reward
        real_next = np.array(next_obs, dtype=np.float32)
        for i in np.flatnonzero(terminated | truncated):
            episode_returns.append(float(running[i]))
            running[i] = 0.0
            real_next[i] = info["final_obs"][i]  # the ended episode's last state, not the reset
        # a time limit's cut is not a termination: its target still bootstraps
        buffer.add(x, action, reward, real_next, terminated)
        obs = next_obs
        if step + num_envs <= learn_from:
            continue
        # -----------------------------------------------------------------------------------
        # the twin critics towards r + gamma (1 - done) (min target Q - alpha log pi)
        batch = buffer.sample(cfg["batch_size"])
        alpha = 0.0 if td3 else log_alpha.exp().item()
        with torch.no_grad():
            if td3:
                next_action = smoothed_target_action(
                    model.actor_target.act(batch["next_obs"]), cfg["policy_noise"],
                    cfg["noise_clip"],
                )  # fmt: skip
                next_log_prob = torch.zeros(len(next_action))
            else:
                next_action, next_log_prob = model.actor.sample(batch["next_obs"])
            next_q1, next_q2 = model.critic_target(batch["next_obs"], next_action)
            target = soft_q_target(
                batch["rewards"], batch["dones"], next_q1, next_q2, next_log_prob, alpha,
                cfg["gamma"],
            )  # fmt: skip
        q1, q2 = model.critic(batch["obs"], batch["actions"])
        critic_loss = loss_fn({"q1": q1, "q2": q2}, {"target": target})
        critic_optimizer.zero_grad(set_to_none=True)
        critic_loss.backward()
        critic_optimizer.step()
        gradient_steps += 1
        # -----------------------------------------------------------------------------------
        # the actor (TD3: every policy_delay critic steps), alpha, then the targets
        if td3 and gradient_steps % cfg["policy_delay"] == 0:
            actor_loss = -model.critic(batch["obs"], model.actor.act(batch["obs"]))[0].mean()
            actor_optimizer.zero_grad(set_to_none=True)
            actor_loss.backward()
            actor_optimizer.step()
            polyak_update(model.actor_target, model.actor, cfg["tau"])
            polyak_update(model.critic_target, model.critic, cfg["tau"])
        elif not td3:
            new_action, log_prob = model.actor.sample(batch["obs"])
            q1_pi, q2_pi = model.critic(batch["obs"], new_action)
            actor_loss = (alpha * log_prob - torch.min(q1_pi, q2_pi)).mean()
            actor_optimizer.zero_grad(set_to_none=True)
            actor_loss.backward()
            actor_optimizer.step()
            alpha_loss = (-log_alpha.exp() * (log_prob.detach() + target_entropy)).mean()
            alpha_optimizer.zero_grad(set_to_none=True)
            alpha_loss.backward()
            alpha_optimizer.step()
            polyak_update(model.critic_target, model.critic, cfg["tau"])
        done_steps = step + num_envs
        if done_steps % cfg["log_every"] < num_envs or done_steps >= cfg["steps"]:
            curve.append([done_steps, critic_loss.item()])  # (env steps, critic loss)
            recent = episode_returns[-10:]
            shown = f"{np.mean(recent):.1f}" if recent else "n/a"
            log(
                f"env steps {done_steps}/{cfg['steps']}  critic loss {critic_loss.item():.4f}  "
                f"alpha {alpha:.4f}  mean return (last {len(recent)} episodes) {shown}"
            )
        if done_steps % cfg["checkpoint_every"] < num_envs:
            save(done_steps)
    save(max(start, cfg["steps"]))
    # ---------------------------------------------------------------------------------------
    # held-out episodes, the agent's and a random policy's
    seconds = time.perf_counter() - started
    results = evaluator(model, held_out, device)
    return agent_run_metrics(
        model, cfg, task="actor_critic", steps=max(start, cfg["steps"]), start_step=start,
        batch_size=cfg["batch_size"], loss_curve=curve, evaluation=results, seconds=seconds,
        train_episodes=len(episode_returns), gradient_steps=gradient_steps,
        algorithm="td3" if td3 else "sac", alpha=None if td3 else log_alpha.exp().item(),
    )  # fmt: skip


def space_size(space) -> int:
    """The length of a box observation's vector."""
    return int(np.prod(space.shape))


class TransitionReplay:
    """The last `capacity` transitions (obs, action in (-1, 1), reward, next obs, terminated),
    sampled uniformly with torch's global generator (seeded, and saved in checkpoints)."""

    def __init__(self, capacity: int, obs_dim: int, num_actions: int) -> None:
        self.obs = torch.zeros(capacity, obs_dim)
        self.actions = torch.zeros(capacity, num_actions)
        self.rewards = torch.zeros(capacity)
        self.next_obs = torch.zeros(capacity, obs_dim)
        self.dones = torch.zeros(capacity)
        self.capacity, self.size, self.pos = capacity, 0, 0

    def add(self, obs, actions, rewards, next_obs, dones) -> None:
        """One transition per environment copy (each argument's first axis)."""
        for i in range(len(obs)):
            row = (obs[i], actions[i], float(rewards[i]), next_obs[i], float(dones[i]))
            for buffer, value in zip(
                (self.obs, self.actions, self.rewards, self.next_obs, self.dones), row, strict=True
            ):
                buffer[self.pos] = torch.as_tensor(value, dtype=torch.float32)
            self.pos = (self.pos + 1) % self.capacity
            self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size: int) -> dict[str, torch.Tensor]:
        index = torch.randint(0, self.size, (batch_size,))
        return {
            "obs": self.obs[index],
            "actions": self.actions[index],
            "rewards": self.rewards[index],
            "next_obs": self.next_obs[index],
            "dones": self.dones[index],
        }
