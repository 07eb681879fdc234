"""The transformer world model's parts: imagination with the KV cache equals the whole
sequence of its own latents run at once, a sequence's steps ignore the steps after them, a
window's mask stops at an episode's end, and the masked loss scores only the kept steps."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from metagen.archs.world_transformer.model import WorldTransformer, WorldTransformerConfig
from metagen.tasks.model_based.loop import TransitionBuffer
from metagen.tasks.model_based.loss import masked_mean, world_model_loss, world_model_targets


def _model(continuous: bool = False, context: int = 5) -> WorldTransformer:
    torch.manual_seed(0)
    config = WorldTransformerConfig(obs_dim=3, num_actions=2, continuous=continuous, d_latent=6,
                                    context=context, d_model=16, n_layers=2, n_heads=2, d_ff=32)  # fmt: skip
    return WorldTransformer(config).eval()


@pytest.mark.parametrize("continuous", [False, True])
def test_cached_imagination_equals_the_whole_sequence_at_once(continuous: bool) -> None:
    torch.set_num_threads(1)
    model = _model(continuous)
    obs = torch.randn(2, 3)
    shape = (2, 3, 5, 2) if continuous else (2, 3, 5)
    actions = torch.rand(shape) if continuous else torch.randint(0, 2, shape)
    with torch.no_grad():
        imagined = model.imagine(obs, actions)
        assert imagined["rewards"].shape == imagined["continue_logits"].shape == (2, 3, 5)
        assert imagined["final_value"].shape == (2, 3)
        # replay: step t's token is the latent imagined after step t - 1, without a cache
        inputs = model.action_input(actions).flatten(0, 1)  # (6, 5, A)
        latents = [model.encoder(obs).repeat_interleave(3, 0)]
        for t in range(5):
            next_latents, rewards = model.transition(torch.stack(latents, 1), inputs[:, : t + 1])
            latents.append(next_latents[:, -1])
        torch.testing.assert_close(imagined["rewards"].flatten(0, 1), rewards)
        last = model.value(latents[-1]).squeeze(-1).reshape(2, 3)
        torch.testing.assert_close(imagined["final_value"], last)


def test_a_step_ignores_the_steps_after_it_and_one_step_is_a_sequence_of_one() -> None:
    model = _model()
    obs, action = torch.randn(4, 5, 3), torch.randint(0, 2, (4, 5))
    with torch.no_grad():
        whole = model(obs=obs, action=action)
        changed = obs.clone()
        changed[:, 3:] += 1.0
        later = model(obs=changed, action=action)
        single = model(obs=obs[:, 0], action=action[:, 0])
    torch.testing.assert_close(later["next_obs"][:, :3], whole["next_obs"][:, :3])
    assert not torch.allclose(later["next_obs"][:, 3:], whole["next_obs"][:, 3:])
    torch.testing.assert_close(single["reward"], whole["reward"][:, 0])
    with pytest.raises(ValueError, match="more than the context of 5"):
        model(obs=torch.randn(1, 6, 3), action=torch.zeros(1, 6, dtype=torch.long))


def test_windows_are_one_copys_consecutive_steps_masked_after_an_episode_end() -> None:
    buffer = TransitionBuffer(capacity=40)
    for step in range(10):  # 4 copies; copy 1's episode ends at step 4
        obs = torch.tensor([[100.0 * c + step] for c in range(4)])
        ends = np.array([False, step == 4, False, False])
        buffer.add(obs, torch.zeros(4, dtype=torch.long), obs.numpy() + 1, np.ones(4), ends, ends)
    generator = torch.Generator().manual_seed(0)
    batch = buffer.sample_windows(256, 4, generator)
    assert batch["obs"].shape == (256, 4, 1) and batch["mask"].shape == (256, 4)
    steps = batch["obs"][..., 0]
    assert torch.all(steps[:, 1:] - steps[:, :-1] == 1)  # one copy, consecutive steps
    for row, mask in zip(steps, batch["mask"], strict=True):
        copy, start = divmod(int(row[0]), 100)
        if copy == 1 and start <= 4 < start + 4:  # kept up to and including step 4
            assert mask.tolist() == [1.0 if start + k <= 4 else 0.0 for k in range(4)]
        else:
            assert mask.tolist() == [1.0] * 4


def test_the_masked_loss_scores_only_the_kept_steps() -> None:
    error = torch.tensor([[1.0, 2.0, 100.0], [3.0, 4.0, 5.0]])
    mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    assert masked_mean(error, mask).item() == pytest.approx(15 / 5)
    assert masked_mean(error[..., None].expand(2, 3, 4), mask).item() == pytest.approx(15 / 5)
    # steps after an episode's end change nothing of the loss
    model = _model(context=4)
    batch = {"obs": torch.randn(2, 4, 3), "action": torch.randint(0, 2, (2, 4)),
             "next_obs": torch.randn(2, 4, 3), "reward": torch.randn(2, 4),
             "terminated": torch.zeros(2, 4), "mask": torch.tensor([[1.0, 1, 0, 0], [1, 1, 1, 1]])}  # fmt: skip
    other = {**batch, "next_obs": batch["next_obs"].clone(), "reward": batch["reward"].clone()}
    other["next_obs"][0, 2:] += 10.0
    other["reward"][0, 2:] -= 10.0
    with torch.no_grad():
        losses = [
            world_model_loss(model(obs=b["obs"], action=b["action"]), world_model_targets(model, b, 0.9))
            for b in (batch, other)
        ]  # fmt: skip
    torch.testing.assert_close(losses[0], losses[1])
