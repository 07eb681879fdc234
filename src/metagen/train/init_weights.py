"""Start training from published or earlier weights (train.py --init-from): every tensor
that fits the model is loaded, and the rest is reported, so that a new task head starts
fresh on a pretrained trunk."""

from pathlib import Path

import torch

from metagen.train.checkpoint import CheckpointLoadError


def init_from_weights(model: torch.nn.Module, path) -> dict:
    """Load the tensors of the safetensors file `path` that fit the model by name and shape, or
    fit one part of it (a decoder LM's, as a VLM's language_model). Returns {"from", "loaded",
    "fresh", "skipped"}; fresh tensors keep their init (a head for other classes, say)."""
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
    fitting = {p: {p + k: v for k, v in tensors.items() if p + k in own and v.shape == own[p + k].shape}
               for p in ("", *(f"{name}." for name, _ in model.named_children()))}  # fmt: skip
    fits = fitting[part := max(fitting, key=lambda p: len(fitting[p]))]  # the first on a tie
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
        "loaded": sorted(fits),
        "fresh": sorted(fresh),
        "skipped": sorted(set(tensors) - {k.removeprefix(part) for k in fits}),
    }
