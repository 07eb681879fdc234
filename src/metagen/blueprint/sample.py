"""What one sample is, for FLOPs and latency: a training sequence for an LM, one image, one
clip, one row... read from a scale's data config and model dims."""

from __future__ import annotations

from typing import Any


def sample_of(data: dict[str, Any], model: dict[str, Any]) -> tuple[dict[str, int | None], str]:
    """(count_flops's keyword arguments, the sample in words)."""
    if data.get("kind") in ("fusion", "fusion_reach"):  # the dims hold every input's size
        return {}, f"one sample of each input ({', '.join(data['inputs'])})"
    if "sample_rate" in data:  # audio: the dims hold the clip's length
        clip = data["clip_samples"] if "clip_samples" in data else data["prompt_samples"]
        text = f"one {clip / data['sample_rate']:g} s clip at {data['sample_rate']} Hz"
        if "seq_len" in data:
            return {"seq_len": data["seq_len"]}, f"{text} and {data['seq_len']} decoder tokens"
        return {}, text
    if data.get("kind") == "image_text":  # multi-modal: one image and one text
        size, tokens = data["image_size"], data["seq_len"]
        return {"seq_len": tokens}, f"one {size}x{size} image and {tokens} text tokens"
    if data.get("kind") == "tabular":  # the dims hold the feature count
        return {}, f"one row of {data['num_features']} features"
    if data.get("kind") == "series_window":  # the dims hold the window
        return {}, f"one window of {data['window']} steps"
    if data.get("kind") == "forecast":  # the dims hold the window
        return {}, f"one window of {data['lookback']} steps, {data['horizon']} forecast"
    if data.get("kind") == "interactions":  # a recommender scores one pair
        return {}, "one user-item pair"
    if data.get("kind") == "graph":  # the dims hold the graph's size
        return {}, f"one graph of {model['nodes_per_graph']} nodes"
    if data.get("kind") == "series":  # the dims hold the series length
        return {}, f"one series of {data['series_length']} steps"
    if data.get("kind") == "environment" and "context" in data:  # a sequence world model
        return {}, f"a window of {data['context']} steps of {data['env_id']}"
    if data.get("kind") in ("environment", "atari", "pixels"):  # an agent: the dims hold it
        return {}, f"one observation of {data['env_id']}"
    if data.get("kind") == "history":  # a transformer policy: the dims hold the history
        return {}, f"the last {data['context']} observations of {data['env_id']}"
    if data.get("chunks"):  # a classifier reading a text in chunks: the dims hold how many
        text = f"one text of {data['chunks']} chunks of {data['seq_len']} tokens"
        return {"seq_len": data["seq_len"]}, text
    if "seq_len" in data:
        return {"seq_len": data["seq_len"]}, f"one sequence of {data['seq_len']} tokens"
    if "num_frames" in data and "resolution" in data:  # the dims hold the clip's size
        (height, width), frames = data["resolution"], data["num_frames"]
        return {}, f"one clip of {frames} frames at {height}x{width}"
    size = data["image_size"]
    return {"image_size": size}, f"one {size}x{size} image"
