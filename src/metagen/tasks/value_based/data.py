"""A value-based agent's data: the environment it collects transitions in (discrete actions
only), and the held-out episodes it is evaluated on."""

from metagen.data.environments import held_out_seeds, make_vector_environment, space_dims


def value_based_environments(cfg: dict, source: str, seed: int):
    """(training environments, held-out episodes, info). `source` is a gymnasium environment
    id; the training copies reset from seed, seed + 1, ...; the held-out episodes from seeds
    no training reset uses. An environment with continuous actions is a ValueError: a
    Q-network scores a finite set of actions."""
    envs = make_vector_environment(source, cfg["num_envs"])
    action_space = space_dims(envs.single_action_space)
    if action_space["kind"] != "discrete":
        envs.close()
        raise ValueError(
            f"{source} has continuous actions (a box of shape {action_space['shape']}); DQN "
            "scores a finite set of actions. Train it in an environment with discrete actions "
            "(CartPole-v1, Acrobot-v1, MountainCar-v0), or plan a task.type actor_critic (SAC) "
            "or policy_gradient (PPO) agent for it"
        )
    held_out = {"env_id": source, "seeds": held_out_seeds(seed, cfg["eval_episodes"])}
    info = {
        "env_id": source,
        "num_envs": cfg["num_envs"],
        "observation_space": space_dims(envs.single_observation_space),
        "action_space": action_space,
    }
    return envs, held_out, info
