"""Planning a fusion model: a classification or regression spec with a `fusion` section
(spec/fusion.py) becomes archs/fusion_net over the spec's inputs. A classifier trains as the
fusion_classification runtime task on the built-in fusion data (tasks/fusion_classification/),
a regressor (a robot policy's continuous actions) as fusion_regression on the built-in
reaching data (tasks/fusion_regression/). The two task handlers hand such specs here."""

from __future__ import annotations

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.planned import not_built
from metagen.spec.fusion import SpikingParams

# The inputs the fusion network's preprocessors read (archs/fusion_net/preprocessors.py).
FUSION_INPUTS = ("image", "text", "audio", "sensor", "tabular", "video")
# Factor values per modality in the built-in data: levels^M classes, 1/levels without one.
LEVELS = 3
TEXT_LEN = 40  # bytes of a caption
AUDIO_RATE, AUDIO_SAMPLES = 8000, 2048  # the built-in tones: a quarter second at 8 kHz
MIN_AUDIO_RATE = 4000  # the built-in tones' highest pitch (1.66 kHz) below Nyquist
DEFAULT_SENSOR = {"channels": 6, "window": 64}
DEFAULT_FEATURES = 8
DEFAULT_IMAGE_SIZE = 32
DEFAULT_VIDEO_FRAMES, DEFAULT_VIDEO_RESOLUTION = 8, (16, 16)
# The reaching data of a fusion regressor (a robot policy): its inputs and action values.
REACH_INPUTS, REACH_ACTIONS = ("image", "sensor"), 2
VISION = "simple"  # the image preprocessor: two conv-BN-ReLU stages
N_MELS = 32  # mel bands of the audio preprocessor
AUDIO_HOP = 160  # the audio preprocessor's spectrogram hop (archs/fusion_net/preprocessors.py)


def plan_fusion_classifier(spec, bp: Blueprint) -> Blueprint:
    inputs = list(spec.modality.inputs)
    num_classes = LEVELS ** len(inputs)
    if spec.task.num_classes not in (None, num_classes):
        raise PlanError(
            f"task.num_classes {spec.task.num_classes} does not fit the built-in fusion data: "
            f"{len(inputs)} inputs of {LEVELS} levels each make {num_classes} classes (the "
            f"tuple of the inputs' levels); set task.num_classes: {num_classes}, or remove it."
        )
    dims = _plan_fusion_net(spec, bp, num_classes, f"LayerNorm + linear to {num_classes} "
                            "class logits")  # fmt: skip
    bp.task = "fusion_classification"
    bp.data.update(
        kind="fusion", inputs=inputs, levels=LEVELS, text_len=TEXT_LEN,
        image_size=dims["image_size"], sensor_channels=dims["sensor_channels"],
        sensor_steps=dims["sensor_steps"], audio_rate=dims["audio_sample_rate"],
        audio_samples=dims["audio_samples"], num_features=dims["num_features"],
        video_frames=dims["video_frames"],
        video_resolution=[dims["video_height"], dims["video_width"]],
    )  # fmt: skip
    bp.decisions.append(
        f"Fusion of {', '.join(inputs)} ({spec.fusion.strategy}, encoder "
        f"{spec.fusion.encoder}). The built-in data gives each input one of {LEVELS} levels "
        f"and labels the tuple ({num_classes} classes), so that no model missing an input "
        f"beats 1/{LEVELS}; evaluation reports the accuracy with each input removed beside "
        "the full accuracy."
    )
    bp.loss = "fusion_classification"
    bp.metrics = ["loss", "accuracy", "majority_class_accuracy",
                  *(f"accuracy_without_{m}" for m in inputs)]  # fmt: skip
    return bp


def plan_fusion_regressor(spec, bp: Blueprint) -> Blueprint:
    """A robot policy: continuous actions from a camera and sensors, trained on the built-in
    reaching data (data/fusion_reach.py), the only multi-modal regression data there is."""
    inputs = list(spec.modality.inputs)
    if sorted(inputs) != sorted(REACH_INPUTS):
        raise PlanError(
            f"a fusion regressor trains on the built-in reaching data (a camera that sees the "
            f"target and the gripper's sensors), which has {' and '.join(REACH_INPUTS)} inputs, "
            f"and modality.inputs is {', '.join(inputs)}; set modality.inputs: "
            f"[{', '.join(REACH_INPUTS)}] (a file format for other multi-modal data is not "
            "built yet)."
        )
    dims = _plan_fusion_net(spec, bp, REACH_ACTIONS, f"LayerNorm + linear to {REACH_ACTIONS} "
                            "action values (velocity x and y)")  # fmt: skip
    bp.task = "fusion_regression"
    bp.data.update(kind="fusion_reach", inputs=inputs, image_size=dims["image_size"],
                   sensor_channels=dims["sensor_channels"],
                   sensor_steps=dims["sensor_steps"])  # fmt: skip
    bp.decisions.append(
        f"A policy from {', '.join(inputs)} ({spec.fusion.strategy}, encoder "
        f"{spec.fusion.encoder}), trained by behaviour cloning on the built-in reaching data: "
        "the camera sees the target, the sensors give the gripper's path, and the action (a "
        "velocity towards the target) needs both; evaluation reports the action's MSE with "
        "each input removed beside the least any model missing it can reach."
    )
    bp.loss = "fusion_regression"
    bp.metrics = ["loss", "mae", "rmse", "r2", "mean_predictor_rmse",
                  *(f"mse_without_{m}" for m in inputs)]  # fmt: skip
    return bp


def _plan_fusion_net(spec, bp: Blueprint, num_outputs: int, head: str) -> dict:
    """fusion_net's dims for the spec's inputs and fusion section, its components, and the
    checks every fusion task shares; the dims planned."""
    fusion, inputs = spec.fusion, list(spec.modality.inputs)
    unbuilt = [name for name in inputs if name not in FUSION_INPUTS]
    if unbuilt:
        raise not_built(
            f"a fusion encoder for {', '.join(unbuilt)} (fusion reads {', '.join(FUSION_INPUTS)})",
            "modality.inputs",
            ", ".join(inputs),
        )
    image = spec.modality.image
    sensor = spec.modality.sensor
    tabular = spec.modality.tabular
    video = spec.modality.video
    height, width = video.resolution if video else DEFAULT_VIDEO_RESOLUTION
    rate, samples = _audio_clip(spec.modality.audio)
    weights = fusion.modality_weights
    dims = {
        "modalities": inputs,
        "num_outputs": num_outputs,
        "strategy": fusion.strategy,
        "encoder": fusion.encoder,
        "n_heads": fusion.heads,
        "modality_weights": [float(weights[m]) for m in inputs]
        if isinstance(weights, dict)
        else weights,
        "modality_dropout": fusion.modality_dropout,
        "image_size": (image.effective_image_size if image else None) or DEFAULT_IMAGE_SIZE,
        "image_channels": 3,
        "text_len": TEXT_LEN,
        "audio_sample_rate": rate,
        "audio_samples": samples,
        "sensor_channels": sensor.channels if sensor else DEFAULT_SENSOR["channels"],
        "sensor_steps": sensor.window if sensor else DEFAULT_SENSOR["window"],
        "num_features": (tabular.num_features if tabular else None) or DEFAULT_FEATURES,
        "video_channels": 3,
        "video_frames": video.num_frames if video else DEFAULT_VIDEO_FRAMES,
        "video_height": height,
        "video_width": width,
    }
    spiking = fusion.spiking or SpikingParams()
    dims.update(beta=spiking.beta, threshold=spiking.threshold,
                num_spike_steps=spiking.num_spike_steps, vision=VISION, n_mels=N_MELS)  # fmt: skip
    if fusion.fusion_dim is not None:
        dims["d_model"] = fusion.fusion_dim
    if fusion.align_steps is not None:  # an option: dims without it keep each input's steps
        dims["align_steps"] = fusion.align_steps
    if fusion.strategy == "hierarchical" and fusion.modality_dropout == 0:
        bp.warnings.append(
            "Hierarchical fusion with modality_dropout 0 never trains the path one input takes "
            "alone, so it predicts poorly with an input missing "
            "(tests/archs/test_fusion_net_learns.py measures it); set "
            "fusion.modality_dropout (0.2, say) if inputs can be missing."
        )
    bp.arch, bp.family = "fusion_net", "fusion"
    bp.fixed_dims.update(dims)
    bp.components = [
        ("preprocess", "per modality: " + "; ".join(PREPROCESSORS[m] for m in inputs)),
        ("encoders", f"per modality: {ENCODERS[fusion.encoder]}"),
        ("fusion", STRATEGIES[fusion.strategy]),
        ("head", head),
    ]
    if fusion.strategy == "early":  # the joint encoder reads every token: no encoder each
        bp.components.pop(1)
    return dims


def _audio_clip(audio) -> tuple[int, int]:
    """(sample rate, samples per clip): the spec's modality.audio where it gives them, else
    a quarter second at 8 kHz."""
    if audio is None:
        return AUDIO_RATE, AUDIO_SAMPLES
    if audio.sample_rate < MIN_AUDIO_RATE:
        raise PlanError(
            f"modality.audio.sample_rate {audio.sample_rate} is below {MIN_AUDIO_RATE} Hz, too "
            "low for the built-in fusion data's tones (up to 1.66 kHz); set it to "
            f"{MIN_AUDIO_RATE} or more."
        )
    if audio.clip_seconds is None:
        return audio.sample_rate, round(AUDIO_SAMPLES * audio.sample_rate / AUDIO_RATE)
    samples = round(audio.clip_seconds * audio.sample_rate)
    if samples < 2 * AUDIO_HOP:
        raise PlanError(
            f"modality.audio.clip_seconds {audio.clip_seconds:g} gives {samples} samples, "
            f"fewer than two spectrogram hops ({2 * AUDIO_HOP}); set it longer."
        )
    return audio.sample_rate, samples


PREPROCESSORS = {
    "image": "image: two stride-2 conv stages",
    "text": "text: byte embedding + positions",
    "audio": "audio: log-mel + conv",
    "sensor": "sensor: two 1-D convs",
    "tabular": "tabular: a token per feature",
    "video": "video: two 3-D conv stages, a token per time step",
}
ENCODERS = {
    "transformer": "pre-norm transformer blocks",
    "cfc": "a closed-form continuous-time (CfC) cell over the tokens",
    "lif": "rate-coded leaky integrate-and-fire layers",
    "cfc_lif": "leaky integrate-and-fire layers into a CfC cell",
}
STRATEGIES = {
    "early": "modality embeddings, joint transformer blocks over every token, mean pool",
    "late": "a GELU MLP head per modality, averaged by the modality weights",
    "hybrid": "cross-attention between modalities, pooled, averaged by the modality weights",
    "hierarchical": "pairwise MLPs, then a global MLP",
    "cross_attention": "the first input's tokens and a summary query attend to the others",
}
