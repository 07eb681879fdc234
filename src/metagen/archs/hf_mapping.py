"""What every Hugging Face weight mapping (archs/<arch>/hf_weights.py) shares: reading a
config.json's fields, and gathering each MetaGen tensor from its checkpoint tensors with the
names and shapes checked against the model the dims build. Anything that does not fit is a
ValueError naming the tensor, never a guess.

Pure Python at import (planning code imports the mappings); torch is imported where tensors
are handled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torch import Tensor


@dataclass(frozen=True)
class Fused:
    """Checkpoint tensors concatenated along dim 0 into one MetaGen tensor (q, k and v into
    the fused qkv), with the rows each contributes."""

    names: tuple[str, ...]
    rows: tuple[int, ...]


# (MetaGen's tensor name, the checkpoint tensor it copies or the tensors it fuses)
Rule = tuple[str, "str | Fused"]


def hf_field(hf_config: dict[str, Any], key: str, family: str) -> Any:
    """hf_config[key], or a ValueError saying the config.json lacks it."""
    if key not in hf_config or hf_config[key] is None:
        raise ValueError(
            f"The {family} config.json has no {key!r}, which MetaGen needs to size the model. "
            f"Pass the checkpoint's own config.json (a {family} config sets {key!r})."
        )
    return hf_config[key]


def refuse(family: str, setting: str, value: Any, why: str) -> ValueError:
    """The error for a checkpoint setting MetaGen's model cannot compute exactly."""
    return ValueError(
        f"The {family} checkpoint sets {setting} = {value!r}, which MetaGen cannot compute "
        f"exactly: {why}. Only checkpoints without it can be imported."
    )


def require(
    hf_config: dict[str, Any], family: str, key: str, expected: Any, default: Any, why: str
) -> None:
    """Refuse unless hf_config[key] (default where absent) is `expected`."""
    value = hf_config.get(key, default)
    if value != expected:
        raise refuse(family, key, value, why)


def check_model_type(hf_config: dict[str, Any], family: str, model_types: tuple[str, ...]) -> None:
    model_type = hf_config.get("model_type")
    if model_type not in model_types:
        raise ValueError(
            f"Expected a {family} config.json (model_type {' or '.join(model_types)}), got "
            f"model_type {model_type!r}. Pass the config of a {family} checkpoint."
        )


def expected_shapes(arch: str, dims: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """Every tensor of MetaGen's model for these dims, in state_dict order, built on the meta
    device (no memory, no init)."""
    import torch

    from metagen.archs.build import build_from_dims

    with torch.device("meta"):
        model = build_from_dims(arch, dims)
    return {name: tuple(tensor.shape) for name, tensor in model.state_dict().items()}


def _shape(tensor: Tensor) -> tuple[int, ...]:
    return tuple(tensor.shape)


def _source(state: dict[str, Tensor], name: str, target: str, family: str) -> Tensor:
    if name not in state:
        raise ValueError(
            f"The {family} checkpoint lacks {name}, which MetaGen's {target} is read from. "
            "Pass the complete checkpoint whose config.json gave the dims."
        )
    return state[name]


def _mismatch(family: str, name: str, found: tuple, target: str, needed: tuple) -> ValueError:
    return ValueError(
        f"The {family} checkpoint's {name} has shape {found}, but MetaGen's {target} needs "
        f"{needed} for the dims from config.json. Pass the config.json that belongs to "
        "these weights."
    )


def _gather_one(
    state: dict[str, Tensor], target: str, source: str | Fused, needed: tuple, family: str
) -> Tensor:
    import torch

    if isinstance(source, str):
        tensor = _source(state, source, target, family)
        if _shape(tensor) != needed:
            raise _mismatch(family, source, _shape(tensor), target, needed)
        return tensor
    parts = []
    for name, rows in zip(source.names, source.rows, strict=True):
        tensor = _source(state, name, target, family)
        if _shape(tensor) != (rows, *needed[1:]):
            raise _mismatch(family, name, _shape(tensor), target, (rows, *needed[1:]))
        parts.append(tensor)
    return torch.cat(parts, dim=0)


def gather(
    state: dict[str, Tensor],
    rules: Iterable[Rule],
    arch: str,
    dims: dict[str, Any],
    *,
    family: str,
    tied: dict[str, str] | None = None,
    derived: tuple[str, ...] = (),
) -> dict[str, Tensor]:
    """MetaGen's state_dict for `arch` at `dims`, each tensor from the checkpoint tensors its
    rule names. Refuses a missing tensor, a wrong shape, and a checkpoint tensor no rule reads,
    except `tied` ones (name -> the tensor it must equal: a tied output layer saved twice) and
    those ending in a `derived` suffix (buffers recomputed from the config, as RoPE's
    inv_freq)."""
    import torch

    needed = expected_shapes(arch, dims)
    by_target = dict(rules)
    unruled = [name for name in needed if name not in by_target]
    if unruled or len(by_target) != len(needed):
        extra = sorted(set(by_target) - set(needed))
        raise ValueError(f"{family} mapping for {arch} misses {unruled} or has extra {extra}")
    out = {
        target: _gather_one(state, target, by_target[target], needed[target], family)
        for target in needed
    }
    read = {n for s in by_target.values() for n in ((s,) if isinstance(s, str) else s.names)}
    for name, tensor in state.items():
        if name in read or name.endswith(derived):
            continue
        canonical = (tied or {}).get(name)
        if canonical is None:
            raise ValueError(
                f"The {family} checkpoint has {name} (shape {_shape(tensor)}), which MetaGen's "
                f"{arch} has no place for: the checkpoint holds a part that the dims from its "
                "config.json do not describe. Pass the config.json that belongs to these weights."
            )
        if canonical in state and not torch.equal(tensor, state[canonical]):
            raise ValueError(
                f"The {family} checkpoint's {name} differs from {canonical}, but MetaGen's {arch} "
                "ties them (one tensor). Its config.json should say the embeddings are untied."
            )
    return out
