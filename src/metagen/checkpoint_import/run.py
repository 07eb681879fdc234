"""`metagen import`: a checkpoint becomes a run directory, as `metagen synth` writes one, plus
`weights/`: the tensors under the package's own names, the checkpoint's tokenizer, and a note
of what was loaded and what starts fresh."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from metagen.checkpoint_import.families import Family, family_of, family_of_file
from metagen.checkpoint_import.sources import Checkpoint, CheckpointError, read_checkpoint
from metagen.planning import make_blueprint
from metagen.spec import Spec, parse_spec_text
from metagen.synthesis import run_files, write_tree

WEIGHTS = "weights/model.safetensors"
TOKENIZER = "weights/tokenizer.json"
NOTES = "weights/import.json"
T = TypeVar("T")


def import_checkpoint(
    path: Path,
    out: Path,
    run_id: str,
    *,
    name: str | None = None,
    variant: str | None = None,
    force: bool = False,
) -> Path:
    """Write OUT/RUN_ID from the checkpoint at `path`: a Hugging Face folder, or one weights
    file (a timm ViT's with the named `variant` that gives its head count)."""
    checkpoint = read_checkpoint(path)
    if checkpoint.config:
        family = _mapped(checkpoint, lambda: family_of(checkpoint.config))
    else:
        family = _mapped(checkpoint, lambda: family_of_file(checkpoint.tensors))
    variant_dims = _variant_dims(family, variant, path)
    dims = _mapped(
        checkpoint, lambda: family.config_from(checkpoint.config, checkpoint.tensors, variant_dims)
    )
    spec, planned_dims = imported_spec(family, dims, name or default_name(path), checkpoint)
    tensors = _mapped(checkpoint, lambda: family.state_dict_from(checkpoint.tensors, dims))
    files: dict[str, str | bytes] = dict(run_files(spec, None))
    files[WEIGHTS] = safetensors_bytes(tensors)
    if checkpoint.tokenizer is not None:
        files[TOKENIZER] = checkpoint.tokenizer.read_bytes()
    files[NOTES] = (
        json.dumps(import_notes(checkpoint, family, planned_dims, tensors), indent=2) + "\n"
    )
    return write_tree(files, Path(out) / run_id, force=force)


def _variant_dims(family: Family, variant: str | None, path: Path) -> dict[str, Any] | None:
    """The named variant's dims where the family needs them, checked to be of its arch."""
    from metagen.blueprint.catalog import all_variants

    known = sorted(n for n, v in all_variants().items() if v.arch == family.arch)
    if variant is None and family.needs_variant:
        raise CheckpointError(
            f"{path} is a {family.name} state_dict, whose tensors do not say its head count. "
            f"Name its size with --variant: one of {', '.join(known)}."
        )
    if variant is None:
        return None
    if not family.needs_variant:
        raise CheckpointError(
            f"--variant is for single timm ViT files; {path} is a {family.name} checkpoint "
            "whose own config or tensors give every dim. Leave --variant out."
        )
    if variant not in known:
        raise CheckpointError(
            f"--variant {variant!r} is not a {family.arch} variant; use one of {', '.join(known)}."
        )
    return dict(all_variants()[variant].dims)


def _mapped(checkpoint: Checkpoint, step: Callable[[], T]) -> T:
    """Run one mapping step; its ValueError (a setting or tensor MetaGen cannot reproduce)
    becomes the checkpoint's error, naming the checkpoint."""
    try:
        return step()
    except CheckpointError:
        raise
    except ValueError as error:
        raise CheckpointError(f"cannot import {checkpoint.path}: {error}") from None


def default_name(path: Path) -> str:
    """A spec name from the checkpoint's folder or file name (letters, digits, . _ -)."""
    path = Path(path).resolve()
    base = path.stem if path.is_file() else path.name
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._-")
    return stem or "imported"


def imported_spec(
    family: Family, dims: dict[str, Any], name: str, checkpoint: Checkpoint
) -> tuple[Spec, dict[str, Any]]:
    """The spec of the imported model: the family's modality and task, and the checkpoint's
    dims fixed (architecture.dims), planned here so that a spec that would not plan that
    arch is an error now, not a wrong run later."""
    sections = family.spec(dims)
    sections["architecture"] = {**sections["architecture"], "dims": dims}
    classes = checkpoint.config.get("architectures") or [
        checkpoint.config.get("model_type", checkpoint.path.suffix)
    ]
    doc = {
        "metagen_version": "1.0",
        "name": name,
        "description": f"Imported from {checkpoint.path.name} ({family.name}, {classes[0]}).",
        **sections,
    }
    spec = parse_spec_text(yaml.safe_dump(doc, sort_keys=False), source=f"{name} (imported)")
    blueprint = make_blueprint(spec)
    planned = blueprint.arch
    if planned != family.arch:
        raise CheckpointError(
            f"the imported {family.name} spec plans a {planned}, not a {family.arch}; this is "
            "a MetaGen bug, please report it with the checkpoint's config.json."
        )
    return spec, blueprint.dims


def safetensors_bytes(tensors: dict[str, Any]) -> bytes:
    """The tensors as one safetensors file. A tensor tied to an earlier one (the same
    storage, offset and shape) is stored once, as safetensors.torch.save_model does; another
    view of a storage already stored (a slice of a fused tensor) is copied, since safetensors
    refuses tensors that share memory."""
    from safetensors.torch import save

    kept: dict[str, Any] = {}
    aliases: set[tuple[int, int, tuple[int, ...]]] = set()
    storages: set[int] = set()
    for name, tensor in tensors.items():
        storage = tensor.untyped_storage().data_ptr()
        key = (storage, tensor.storage_offset(), tuple(tensor.shape))
        if key in aliases:
            continue
        aliases.add(key)
        kept[name] = tensor.clone() if storage in storages else tensor.contiguous()
        storages.add(storage)
    return save(kept)


def import_notes(
    checkpoint: Checkpoint, family: Family, dims: dict[str, Any], tensors: dict[str, Any]
) -> dict[str, Any]:
    """What was loaded and what the package starts fresh (a head the checkpoint lacks)."""
    import torch

    from metagen.archs.build import build_from_dims

    with torch.device("meta"):
        expected = set(build_from_dims(family.arch, dims).state_dict())
    return {
        "source": str(checkpoint.path.resolve()),
        "family": family.name,
        "arch": family.arch,
        "hf_architectures": checkpoint.config.get("architectures"),
        "loaded": sorted(tensors),
        "fresh": sorted(expected - set(tensors)),
        "tokenizer": TOKENIZER if checkpoint.tokenizer is not None else None,
    }
