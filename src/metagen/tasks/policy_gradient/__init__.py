"""The policy_gradient runtime task's registry row: PPO (clipped objective, GAE) in a vector
of gymnasium environments. Its data is the environment, its loop is its own (loop.py)."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="policy_gradient",
    datasets={
        "environment": "metagen.tasks.policy_gradient.data:policy_gradient_environments",
        "atari": "metagen.tasks.policy_gradient.data:policy_gradient_atari",
        "pixels": "metagen.tasks.policy_gradient.data:policy_gradient_pixels",
        "history": "metagen.tasks.policy_gradient.data:policy_gradient_history",
    },
    loss="metagen.tasks.policy_gradient.loss:ppo_loss",
    evaluator="metagen.tasks.policy_gradient.evaluate:evaluate_policy",
    headline=("mean_return", "random_mean_return", True),
    loop="metagen.tasks.policy_gradient.loop:train_policy_gradient",
)
