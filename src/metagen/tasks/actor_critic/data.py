"""An off-policy agent's data: the environment it collects transitions in (one copy, stepped
once per gradient step), and the held-out episodes it is evaluated on."""

from metagen.data.environments import held_out_seeds, make_vector_environment, space_dims


def actor_critic_environments(cfg: dict, source: str, seed: int):
    """(training environments, held-out episodes, info). `source` is a gymnasium environment
    id with a box action space; the held-out episodes reset from seeds no training reset
    uses."""
    envs = make_vector_environment(source, cfg["num_envs"])
    if space_dims(envs.single_action_space)["kind"] != "box":
        envs.close()
        raise ValueError(
            f"{source} has discrete actions; SAC and TD3 act in a continuous (box) action "
            "space. Train a discrete agent with task.type value_based (DQN) or policy_gradient"
        )
    held_out = {"env_id": source, "seeds": held_out_seeds(seed, cfg["eval_episodes"])}
    info = {
        "env_id": source,
        "num_envs": cfg["num_envs"],
        "observation_space": space_dims(envs.single_observation_space),
        "action_space": space_dims(envs.single_action_space),
    }
    return envs, held_out, info
