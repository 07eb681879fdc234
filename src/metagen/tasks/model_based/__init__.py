"""The model_based runtime task's registry row: a learned world model (archs/world_model/)
trained on the agent's own transitions, acting by planning in it (random-shooting MPC). Its
data is the environment, its loop is its own (loop.py)."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="model_based",
    datasets={"environment": "metagen.tasks.model_based.data:model_based_environments"},
    loss="metagen.tasks.model_based.loss:world_model_loss",
    evaluator="metagen.tasks.model_based.evaluate:evaluate_world_model",
    headline=("mean_return", "random_mean_return", True),
    loop="metagen.tasks.model_based.loop:train_model_based",
)
