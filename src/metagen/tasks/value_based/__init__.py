"""The value_based runtime task's registry row: DQN (double DQN by default) with a replay
memory and a target network, in gymnasium environments with discrete actions. Its data is the
environment, its loop is its own (loop.py)."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="value_based",
    datasets={
        "environment": "metagen.tasks.value_based.data:value_based_environments",
        "atari": "metagen.tasks.value_based.data:value_based_atari",
        "pixels": "metagen.tasks.value_based.data:value_based_pixels",
    },
    loss="metagen.tasks.value_based.loss:dqn_loss",
    evaluator="metagen.tasks.value_based.evaluate:evaluate_q_policy",
    headline=("mean_return", "random_mean_return", True),
    loop="metagen.tasks.value_based.loop:train_value_based",
)
