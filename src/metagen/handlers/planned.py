"""Capabilities that our requirements ask for (tests/fixtures/unbuilt_specs/ holds specs of them) and that are not built yet.

A spec that needs one of these follows the spec language (`metagen validate --schema-only`
accepts it), but `validate`, `plan` and `synth` stop with a message that names the missing
capability. They never fall back to a stand-in architecture.
"""

from __future__ import annotations

from metagen.blueprint.model import PlanError

MODALITIES = {
    "time_series": "time-series models (forecasting and anomaly-detection task handlers)",
    # Tabular classification, regression, embedding and ranking are built (task handlers).
    "tabular": "tabular generative models (classification, regression, embedding and ranking "
    "of tabular rows are built: set task.type)",
    # Node classification, link prediction and graph classification are built (family gnn).
    "graph": "graph models for this task (node_classification, link_prediction and "
    "graph_classification are built: set task.type)",
    "point_cloud": "point-cloud models",
    "3d": "3D models",
}

FAMILIES = {
    "mlp": "MLP backbones",
    "rnn": "recurrent backbones (LSTM/GRU)",
    "gnn": "graph neural networks on this input (family gnn is built for modality.inputs "
    "[graph], task node_classification, link_prediction or graph_classification)",
    "unet": "U-Net backbones outside segmentation (the segmentation tasks build a U-Net)",
    "autoencoder": "autoencoders",
}

TASKS = {
    "policy_gradient": "reinforcement learning (policy gradient, PPO)",
    "value_based": "reinforcement learning (value-based, DQN)",
    "actor_critic": "reinforcement learning (actor-critic, SAC)",
    "model_based": "reinforcement learning (model-based, world models)",
}

OBJECTIVES = {
    # Text + image contrastive training (CLIP) is built: handlers/modalities/multimodal.py.
    "contrastive": "contrastive training of a single-modality encoder (SimCLR-style image "
    "or sentence embeddings)",
    "diffusion": "diffusion training",
}


# The fusion guide's system (issue 13) is built for classification and regression.
FUSION_TASKS = ("classification", "regression")
FUSION_SYSTEM = (
    "the multi-modal fusion system (an encoder per input modality, combined by early, late, "
    "hybrid, hierarchical or cross-attention fusion)"
)
SENSOR_INPUTS = (
    "models of sensor readings alone (a classification spec with a fusion section reads them "
    "beside other inputs)"
)


def refuse_unbuilt_sections(spec) -> None:
    """A fusion section outside classification and regression, or a sensor input without
    one, needs what is not built: say so before any handler reads the spec."""
    task = spec.task.type if spec.task else None
    if spec.fusion is not None and task not in FUSION_TASKS:
        raise not_built(f"{FUSION_SYSTEM} for task {task} (built for "
                        f"{' and '.join(FUSION_TASKS)})", "fusion.strategy",
                        spec.fusion.strategy)  # fmt: skip
    if "sensor" in spec.modality.inputs and spec.fusion is None:
        raise not_built(SENSOR_INPUTS, "modality.inputs", ", ".join(spec.modality.inputs))


def not_built(what: str, field: str, value: str) -> PlanError:
    return PlanError(
        f"{field} '{value}' needs {what}, which is not built yet in this version of MetaGen. "
        "The spec follows the spec language (`metagen validate --schema-only` accepts it), but "
        "MetaGen will not plan or synthesize it rather than print a stand-in architecture. Supported today: text "
        "language models (family transformer, objective autoregressive or masked); image "
        "classifiers (family transformer, cnn or hybrid) and image diffusion (family "
        "diffusion); audio classifiers and audio generators (family transformer); video "
        "classifiers (family transformer or cnn) and video diffusion (family diffusion); text + "
        "image models, CLIP-style contrastive or vision-language (family transformer or hybrid); "
        "multi-modal fusion classifiers and robot policies (task classification or regression "
        "with a fusion section over image, video, text, audio, sensor or tabular inputs); "
        "image object detectors (task object_detection, family cnn for YOLO-style or "
        "transformer for DETR) and instance segmenters (task instance_segmentation, family "
        "cnn: CondInst-style); image segmenters (task semantic_segmentation or "
        "panoptic_segmentation, family unet or cnn for a U-Net, transformer for SegFormer); "
        "speech recognizers (audio to text, family transformer: Whisper-style or CTC); "
        "time-series forecasters (task time_series_forecast, family transformer for PatchTST "
        "or variant temporal_fusion, rnn for an LSTM/GRU, mlp for N-BEATS or variant "
        "dlinear); anomaly detectors over series windows or table rows (task "
        "anomaly_detection, family autoencoder, variant vae for a VAE); text taggers (task "
        "sequence_labeling, family transformer or rnn for a BiLSTM, variant crf for a CRF); "
        "classifiers of tabular rows, texts and time series, and regression, embedding and "
        "ranking models (family mlp for rows, transformer for texts, cnn for series); "
        "graph models (input graph, task node_classification, link_prediction or "
        "graph_classification, family gnn, variant gcn, gat, gin or sage); recommenders (task "
        "recommendation, family two_tower); reinforcement-learning agents over observation "
        "vectors (task policy_gradient: PPO or REINFORCE; value_based: DQN; actor_critic: SAC "
        "or TD3 for continuous actions; model_based: a world model planning by MPC; family "
        "mlp, transformer for transformer dynamics, or hybrid for a recurrent state-space "
        "model), over a history of observations (task "
        "policy_gradient, family transformer) and over frames (task policy_gradient or value_based, family cnn, inputs [image]: "
        "Atari games, classic-control renders)."
    )
