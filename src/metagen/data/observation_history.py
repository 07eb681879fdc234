"""An environment whose observation is the history of its last `context` observation vectors
(context, obs_dim), newest last, zero-padded at an episode's start: a transformer policy's
input. Each copy of a vector environment wraps its own, so an autoreset (SAME_STEP) restarts
that copy's history with the new episode's first observation."""

from metagen.data.environments import make_environment


def make_history_environment(env_id: str, cfg: dict, render_mode: str | None = None,
                             training: bool = False):  # fmt: skip
    """gymnasium's FrameStackObservation over one environment, padded with zeros; cfg holds
    `context` (config.json's data). `training` changes nothing: the same signature as the
    frame factories, whose training episodes differ."""
    from gymnasium.wrappers import FrameStackObservation

    env = make_environment(env_id, render_mode=render_mode)
    return FrameStackObservation(env, cfg["context"], padding_type="zero")
