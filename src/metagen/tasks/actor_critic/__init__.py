"""The actor_critic runtime task's registry row: off-policy SAC (or TD3) for continuous
actions, learning from a replay buffer of one gymnasium environment's transitions. Its data
is the environment, its loop is its own (loop.py)."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="actor_critic",
    datasets={"environment": "metagen.tasks.actor_critic.data:actor_critic_environments"},
    loss="metagen.tasks.actor_critic.loss:twin_q_loss",
    evaluator="metagen.tasks.actor_critic.evaluate:evaluate_continuous_policy",
    headline=("mean_return", "random_mean_return", True),
    loop="metagen.tasks.actor_critic.loop:train_actor_critic",
)
