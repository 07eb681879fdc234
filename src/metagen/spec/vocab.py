"""The closed vocabularies of the spec language, in one place.

The schema, the error messages and the warning checks all read these tuples, so a new
modality, task or family is added here once.
"""

SPEC_VERSIONS = ("1.0",)

INPUT_MODALITIES = (
    "text",
    "image",
    "audio",
    "video",
    "time_series",
    "tabular",
    "graph",
    "point_cloud",
    "3d",
    "sensor",  # multichannel readings at a sample rate (IMU, force, joint encoders)
)

# Outputs outside this list are kept and only warned about: MetaGen approximates them.
KNOWN_OUTPUT_MODALITIES = (
    "text",
    "image",
    "audio",
    "video",
    "3d",
    "label",
    "bounding_boxes",
    "segmentation_mask",
    "embedding",
    "action",
    "time_series",
    "graph",
    "regression",
)

TASK_TYPES = (
    "generation",
    "classification",
    "regression",
    "embedding",
    "ranking",
    "object_detection",
    "instance_segmentation",
    "semantic_segmentation",
    "panoptic_segmentation",
    "sequence_labeling",
    "time_series_forecast",
    "anomaly_detection",
    "speech_recognition",
    "policy_gradient",
    "value_based",
    "actor_critic",
    "model_based",
    "node_classification",
    "link_prediction",
    "graph_classification",
    "recommendation",
    "image_to_code",
)

ACTION_SPACES = ("discrete", "continuous")

# How a graph classifier pools its node vectors into one per graph.
GRAPH_READOUTS = ("sum", "mean", "attention")

OBJECTIVES = (
    "autoregressive",
    "masked",
    "classification",
    "contrastive",
    "diffusion",
    "regression",
    "reinforcement",
    "reconstruction",
    "ctc",  # connectionist temporal classification: speech recognition without a decoder
)

FAMILIES = (
    "transformer",
    "cnn",
    "diffusion",
    "hybrid",
    "mlp",
    "rnn",
    "gnn",
    "unet",
    "autoencoder",
    "two_tower",
)

# How a multi-modal model combines its inputs.
FUSIONS = ("early", "late", "cross_attention", "contrastive")

# The fusion section (spec/fusion.py): how a model with per-modality encoders combines them.
FUSION_STRATEGIES = ("early", "late", "hybrid", "hierarchical", "cross_attention")
# What encodes each modality's features over time: attention, liquid (CfC) cells, spiking
# (LIF) layers, or spiking layers feeding CfC cells (the guide's liquid-spike encoder).
FUSION_ENCODERS = ("transformer", "cfc", "lif", "cfc_lif")
FUSION_MODALITY_WEIGHTS = ("learnable", "fixed")
# none: each time-based input keeps its own steps; resample: all to align_steps steps.
FUSION_ALIGNMENTS = ("none", "resample")
# Inputs that have a time axis, which `align` can resample.
TIME_INPUTS = ("audio", "video", "time_series", "sensor")

DEVICES = ("cpu", "edge", "mobile", "consumer_gpu", "datacenter_gpu", "tpu")
# The devices that train on an accelerator, far faster than a CPU (edge and mobile run models).
ACCELERATOR_DEVICES = ("consumer_gpu", "datacenter_gpu", "tpu")

LATENCY_LABELS = ("real-time", "interactive", "batch", "offline")

PRECISIONS = ("auto", "fp32", "bf16", "fp16")

# byte: raw UTF-8 bytes; bpe: a byte-level BPE trained on the training text.
TOKENIZERS = ("byte", "bpe")

# Square input resolution of each image preset, in pixels.
IMAGE_PRESETS = {"imagenet": 224, "clip": 224, "sd": 512, "sd_xl": 1024}
