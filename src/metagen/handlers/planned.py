"""Capabilities that the seed documents ask for and that are not built yet.

A spec that needs one of these validates, but `plan` and `synth` stop with a message that
names the missing capability. They never fall back to a stand-in architecture.
"""

from __future__ import annotations

from metagen.blueprint.model import PlanError

MODALITIES = {
    "time_series": "time-series models (forecasting and anomaly-detection task handlers)",
    "tabular": "tabular models (MLP task handlers for classification and regression)",
    "graph": "graph models (message-passing GNNs: GCN, GAT)",
    "point_cloud": "point-cloud models",
    "3d": "3D models",
}

FAMILIES = {
    "mlp": "MLP backbones",
    "rnn": "recurrent backbones (LSTM/GRU)",
    "gnn": "graph neural networks",
    "unet": "U-Net backbones",
    "autoencoder": "autoencoders",
    "two_tower": "two-tower retrieval models",
}

TASKS = {
    "regression": "the regression task handler",
    "embedding": "the embedding task handler",
    "ranking": "the ranking task handler",
    "object_detection": "object detection (anchor-free YOLO-style and DETR heads, NMS, mAP)",
    "instance_segmentation": "instance segmentation",
    "semantic_segmentation": "semantic segmentation",
    "panoptic_segmentation": "panoptic segmentation",
    "sequence_labeling": "sequence labeling",
    "time_series_forecast": "time-series forecasting",
    "anomaly_detection": "anomaly detection",
    "speech_recognition": "speech recognition",
    "policy_gradient": "reinforcement learning (policy gradient, PPO)",
    "value_based": "reinforcement learning (value-based, DQN)",
    "actor_critic": "reinforcement learning (actor-critic, SAC)",
    "model_based": "reinforcement learning (model-based, world models)",
    "node_classification": "graph node classification",
    "link_prediction": "graph link prediction",
    "graph_classification": "graph classification",
    "recommendation": "recommendation (two-tower models)",
}

OBJECTIVES = {
    # Text + image contrastive training (CLIP) is built: handlers/modalities/multimodal.py.
    "contrastive": "contrastive training of a single-modality encoder (SimCLR-style image "
    "or sentence embeddings)",
    "diffusion": "diffusion training",
}


def not_built(what: str, field: str, value: str) -> PlanError:
    return PlanError(
        f"{field} '{value}' needs {what}, which is not built yet in this version of MetaGen. "
        "The spec is valid (`metagen validate` accepts it), but MetaGen will not plan or "
        "synthesize it rather than print a stand-in architecture. Supported today: text "
        "language models (family transformer, objective autoregressive or masked); image "
        "classifiers (family transformer, cnn or hybrid) and image diffusion (family "
        "diffusion); audio classifiers and audio generators (family transformer); video "
        "classifiers (family transformer or cnn) and video diffusion (family diffusion); text + "
        "image models, CLIP-style contrastive or vision-language (family transformer or hybrid)."
    )
