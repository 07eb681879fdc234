"""The two CNN agents of the deep-RL literature, numbers only, each with a policy and a value
head. Their parameters depend on the frames' size and channels and on the actions, so a spec
may set those (the plan then says how far the count is from the published one)."""

from __future__ import annotations

from metagen.blueprint.catalog import Variant

_ADJUSTABLE = ("in_channels", "image_size", "num_actions", "head")

VARIANTS = (
    Variant(
        "nature_cnn",
        "policy_cnn",
        "cnn",
        {
            "in_channels": 4,
            "image_size": 84,
            "num_actions": 18,
            "trunk": "nature",
            "head": "actor_critic",
            "d_hidden": 512,
            "res_blocks": 1,
        },
        1_693_875,
        "Mnih et al. 2015 (Nature DQN CNN) over 4 stacked 84x84 grey frames, 18 actions; "
        "CleanRL's ppo_atari agent",
        _ADJUSTABLE,
    ),
    Variant(
        "impala_cnn",
        "policy_cnn",
        "cnn",
        {
            "in_channels": 3,
            "image_size": 64,
            "num_actions": 15,
            "trunk": "impala",
            "head": "actor_critic",
            "d_hidden": 256,
            "res_blocks": 2,
        },
        626_256,
        "Espeholt et al. 2018 (IMPALA deep network, channels 16, 32, 32) over 64x64 RGB "
        "frames, 15 actions as in Procgen (Cobbe et al. 2020); CleanRL's ppo_procgen agent",
        _ADJUSTABLE,
    ),
)
