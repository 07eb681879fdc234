"""Start training from published or earlier weights (train.py --init-from): every tensor
that fits the model is loaded, and the rest is reported, so that a new task head starts
fresh on a pretrained trunk."""

from pathlib import Path

import torch

from metagen.train.checkpoint import CheckpointLoadError


def init_from_weights(model: torch.nn.Module, path) -> dict:
    """Load the tensors of the safetensors file `path` whose name and shape are the model's,
    or, for a file of one part's weights, those of that part (a language model's names under
    a VLM's language_model). Returns {"from", "part", "loaded", "fresh", "skipped"}: the model's tensors it set, those that
    keep their fresh init (a head for other classes, or one the file lacks), and the file's
    tensors it had no place for (another task's head)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(path)
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError) as error:
        raise CheckpointLoadError(
            f"cannot read {path} ({error}); pass a .safetensors file, such as a run's "
            "weights/model.safetensors from `metagen import`."
        ) from None
    own = model.state_dict()
    fits, part = _fitting(tensors, own, ""), None
    # a file of one part's weights: a language model trained elsewhere, for a VLM's
    for name, _ in model.named_children():
        in_part = _fitting(tensors, own, f"{name}.")
        if len(in_part) > len(fits):
            fits, part = in_part, name
    if not fits:
        raise CheckpointLoadError(
            f"none of the {len(tensors)} tensors in {path} fit this model (names and shapes "
            "differ): they are another architecture's weights."
        )
    model.load_state_dict(fits, strict=False)
    # a tied tensor (the LM head is the embedding) is set by its twin's name
    loaded_storage = {own[k].untyped_storage().data_ptr() for k in fits}
    fresh = [k for k, v in own.items() if v.untyped_storage().data_ptr() not in loaded_storage]
    return {
        "from": str(path),
        "part": part,  # None: the whole model's names
        "loaded": sorted(fits),
        "fresh": sorted(fresh),
        "skipped": sorted(set(tensors) - {k.removeprefix(f"{part}.") for k in fits}),
    }


def _fitting(tensors: dict, own: dict, prefix: str) -> dict:
    """The file's tensors that fit the model when each name is read under `prefix`, keyed by
    the model's names."""
    return {
        prefix + k: v
        for k, v in tensors.items()
        if prefix + k in own and v.shape == own[prefix + k].shape
    }
