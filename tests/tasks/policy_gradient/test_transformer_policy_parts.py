"""The transformer policy's parts: the observation history at an episode's boundary, and a
causal model that answers from the last token."""

from functools import partial

import numpy as np
import torch

from metagen.archs.policy_transformer.model import PolicyTransformer, PolicyTransformerConfig
from metagen.data.environments import make_vector_environment
from metagen.data.observation_history import make_history_environment

CONTEXT = 4


def test_history_pads_with_zeros_and_restarts_at_an_autoreset() -> None:
    envs = make_vector_environment(
        "CartPole-v1", 2, make_env=partial(make_history_environment, cfg={"context": CONTEXT})
    )
    obs, _ = envs.reset(seed=0)
    assert obs.shape == (2, CONTEXT, 4)
    assert np.all(obs[:, :-1] == 0) and np.all(obs[:, -1] != 0)
    previous = obs
    for _ in range(500):  # a constant action ends CartPole's episodes within ~10-60 steps
        obs, _, terminated, truncated, info = envs.step(np.zeros(2, dtype=np.int64))
        done = terminated | truncated
        if done[0]:
            assert np.all(obs[0, :-1] == 0) and np.any(obs[0, -1] != 0)
            final = info["final_obs"][0]
            # the last episode's history ends in its final observation, after the one before
            np.testing.assert_array_equal(final[:-1], previous[0, 1:])
            return
        np.testing.assert_array_equal(obs[0, :-1], previous[0, 1:])  # shifted by one step
        previous = obs
    raise AssertionError("no episode ended in 500 steps of a constant action")


def _model(continuous: bool = False) -> PolicyTransformer:
    torch.manual_seed(0)
    config = PolicyTransformerConfig(
        obs_dim=4,
        num_actions=2,
        continuous=continuous,
        context=CONTEXT,
        d_model=16,
        n_layers=2,
        n_heads=2,
        d_ff=32,
    )
    return PolicyTransformer(config).eval()


def test_only_the_last_token_answers_and_attention_is_causal() -> None:
    torch.set_num_threads(1)
    model = _model()
    obs = torch.randn(3, CONTEXT, 4)
    out = model(obs)
    assert out["logits"].shape == (3, 2) and out["value"].shape == (3,)
    # changing the newest observation changes the answer; a prefix's features ignore the future
    changed = obs.clone()
    changed[:, -1] += 1.0
    assert not torch.allclose(model(changed)["value"], out["value"])
    prefix = model.forward_features(obs[:, :2])
    features = model.norm(
        model.blocks(
            model.embed(changed),
            torch.ones(CONTEXT, CONTEXT, dtype=torch.bool).tril(),
        )
    )
    torch.testing.assert_close(features[:, 1], prefix)


def test_heads_start_small_and_the_same_seed_builds_the_same_model() -> None:
    torch.set_num_threads(1)
    model = _model(continuous=True)
    assert model.actor.weight.abs().max() < 0.05  # gain 0.01: a near-uniform first policy
    out = model(torch.randn(2, CONTEXT, 4))
    assert set(out) == {"mean", "log_std", "value"}
    again = _model(continuous=True)
    for a, b in zip(model.parameters(), again.parameters(), strict=True):
        torch.testing.assert_close(a, b)
