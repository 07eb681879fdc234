"""A model-based agent's data: the vector of environments it collects transitions in, and the
held-out episodes it is evaluated on (its returns, and its world model's one-step
predictions)."""

from metagen.data.environments import held_out_seeds, make_vector_environment, space_dims


def model_based_environments(cfg: dict, source: str, seed: int):
    """(training environments, held-out episodes, info). `source` is a gymnasium environment
    id; the training copies reset from seed, seed + 1, ...; the held-out episodes from seeds
    no training reset uses."""
    envs = make_vector_environment(source, cfg["num_envs"])
    held_out = {"env_id": source, "seeds": held_out_seeds(seed, cfg["eval_episodes"])}
    info = {
        "env_id": source,
        "num_envs": cfg["num_envs"],
        "observation_space": space_dims(envs.single_observation_space),
        "action_space": space_dims(envs.single_action_space),
    }
    return envs, held_out, info
