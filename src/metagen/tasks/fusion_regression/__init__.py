"""The fusion_regression runtime task's registry row: continuous actions (a robot policy)
from several input modalities (archs/fusion_net), scored with each modality removed as well
as with all."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="fusion_regression",
    datasets={"fusion_reach": "metagen.tasks.fusion_regression.data:fusion_reach_datasets"},
    loss="metagen.tasks.fusion_regression.loss:fusion_regression_loss",
    evaluator="metagen.tasks.fusion_regression.evaluate:evaluate_fusion_regression",
    headline=("rmse", "mean_predictor_rmse", False),
    predictions="metagen.predictions.regression:collect_regression",
)
