"""What the Hugging Face weight mappings (archs/<arch>/hf_weights.py) share: reading a
config.json's settings, the GELU names, and rules that say where each of MetaGen's tensors
comes from in a checkpoint, applied with every shape checked against the model MetaGen builds.

Pure Python at import; torch is imported where tensors are touched. The tensor names are the
ones a checkpoint file holds (transformers 4 and 5 both write these, whatever names a
transformers 5 model uses in memory)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# transformers' activation names (ACT2FN) -> MetaGen's GELU (nn/mlp.py GELU_ACTIVATIONS).
# gelu_new and gelu_fast are the tanh formula written out; tests check each against ACT2FN.
HF_ACTIVATIONS = {
    "gelu": "gelu",
    "gelu_python": "gelu",
    "gelu_new": "gelu_tanh",
    "gelu_fast": "gelu_tanh",
    "gelu_pytorch_tanh": "gelu_tanh",
    "quick_gelu": "quick_gelu",
}
_MISSING = object()


def setting(config: Mapping[str, Any], key: str, default: Any = _MISSING, *, where: str) -> Any:
    """config[key]; a key a config.json may leave out takes `default`, transformers' own.
    `where` names the config for the error ("GPT-2 config.json", "CLIP text_config")."""
    if key in config:
        return config[key]
    if default is _MISSING:
        raise ValueError(
            f"The {where} has no {key!r}, which MetaGen needs to size the model. Use the "
            "config.json saved with the checkpoint."
        )
    return default


def require(config: Mapping[str, Any], key: str, allowed: Any, default: Any, *, where: str) -> None:
    """Refuse a setting MetaGen's model does not compute: config[key] must equal `allowed`."""
    value = setting(config, key, default, where=where)
    if value != allowed:
        raise ValueError(
            f"The {where} sets {key} = {value!r}; MetaGen's model computes only {key} = "
            f"{allowed!r}, so it would not reproduce this checkpoint's function. Import a "
            "checkpoint without that setting."
        )


def activation_from_hf(name: Any, key: str, *, where: str) -> str:
    """MetaGen's GELU for transformers' activation `name` (the config's `key`)."""
    if name not in HF_ACTIVATIONS:
        raise ValueError(
            f"The {where} sets {key} = {name!r}; MetaGen's MLP computes the GELUs "
            f"{', '.join(sorted(HF_ACTIVATIONS))}, so it would not reproduce this checkpoint's "
            "function. Import a checkpoint that uses one of those."
        )
    return HF_ACTIVATIONS[name]


def check_model_type(config: Mapping[str, Any], model_type: str, family: str) -> None:
    found = config.get("model_type", model_type)
    if found != model_type:
        raise ValueError(
            f"The config.json is for a {found!r} model, not {model_type!r}: this mapping reads "
            f"{family} checkpoints. Pick the mapping for {found!r}, if MetaGen has one."
        )


def num_labels(config: Mapping[str, Any]) -> int:
    """A classifier's outputs: id2label's size as transformers reads it (2 without one)."""
    if "id2label" in config:
        return len(config["id2label"])
    return int(config.get("num_labels", 2))


@dataclass(frozen=True)
class Rule:
    """MetaGen's tensor `target` from the checkpoint's `sources`, combined by `how`:
    "copy"; "transpose" (GPT-2's Conv1D stores a linear as (in, out)); "concat" (separate
    q, k and v, stacked along dim 0 into one fused qkv); "unsqueeze" (the source lacks the
    target's first `lead` dims, each 1: CLIP's class token (d,) and position table (n, d),
    held as (1, 1, d) and (1, n, d))."""

    target: str
    sources: tuple[str, ...]
    how: str = "copy"
    lead: int = 0
    # "concat" of unequal parts: the rows each source gives (GQA's q, then the fewer k and v
    # rows); empty splits the target evenly.
    rows: tuple[int, ...] = ()

    def source_shapes(self, target_shape: tuple[int, ...]) -> list[tuple[int, ...]]:
        """The shape each source must have to give `target_shape`, in order."""
        if self.how == "concat" and self.rows:
            return [(rows, *target_shape[1:]) for rows in self.rows]
        return [self.source_shape(target_shape)] * len(self.sources)

    def source_shape(self, target_shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape each source must have to give `target_shape`."""
        if self.how == "transpose":
            return target_shape[::-1]
        if self.how == "concat":
            return (target_shape[0] // len(self.sources), *target_shape[1:])
        return target_shape[self.lead :]

    def combine(self, tensors: list[Any], target_shape: tuple[int, ...]) -> Any:
        import torch

        if self.how == "transpose":
            return tensors[0].t().contiguous()
        if self.how == "concat":
            return torch.cat(tensors, dim=0)
        return tensors[0].reshape(target_shape)


# A mapping table's row: (target, source or sources, how), as a Rule's fields.
Row = tuple[str, str | tuple[str, ...], str]


def prefixed(table: Iterable[Row], target_prefix: str, source_prefix: str) -> list[Rule]:
    """The rules of `table`, with `target_prefix` before each target and `source_prefix`
    before each source (a layer's table, placed at layer i)."""
    rules = []
    for target, sources, how in table:
        names = (sources,) if isinstance(sources, str) else sources
        rules.append(Rule(target_prefix + target, tuple(source_prefix + n for n in names), how))
    return rules


def target_shapes(arch: str, dims: Mapping[str, Any]) -> dict[str, tuple[int, ...]]:
    """Every tensor of MetaGen's `arch` built from `dims` (on the meta device), by name."""
    import torch

    from metagen.archs.build import build_from_dims

    with torch.device("meta"):
        model = build_from_dims(arch, dict(dims))
    return {name: tuple(t.shape) for name, t in model.state_dict().items()}


def apply_rules(
    tensors: Mapping[str, Any],
    rules: Iterable[Rule],
    *,
    arch: str,
    dims: Mapping[str, Any],
    family: str,
    ignored: Iterable[str] = (),
    optional: tuple[str, ...] = (),
    tied: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """MetaGen's state_dict for `arch` from a checkpoint's tensors. Every source must exist
    with the shape its target needs, every tensor of the built model must get a value (but
    those in `optional` where the checkpoint has none of them: a task head it never had), and every
    checkpoint tensor must be read or match one of the `ignored` patterns (tensors that are
    not weights, or copies of tied ones); the first that fails is a ValueError naming it.
    `tied` names copies of tied tensors that must equal the tensor they copy (name -> that
    tensor's name): an output layer saved untied is refused, not dropped."""
    expected = target_shapes(arch, dims)
    rules = list(rules)
    # the optional part is all there or all absent: one of its tensors found requires all
    absent = not any(s in tensors for r in rules if r.target in optional for s in r.sources)
    skippable = set(optional) if absent else set()
    mapped: dict[str, Any] = {}
    read: set[str] = set()
    for rule in rules:
        if rule.target in skippable:
            continue
        shape = expected[rule.target]
        parts = []
        for source, want in zip(rule.sources, rule.source_shapes(shape), strict=True):
            parts.append(_source(tensors, source, want, rule.target, family, arch))
            read.add(source)
        mapped[rule.target] = rule.combine(parts, shape)
    unmapped = [name for name in expected if name not in mapped and name not in skippable]
    if unmapped:
        raise ValueError(f"the {family} mapping gives no tensor for {arch}'s {unmapped[0]!r}")
    patterns = [re.compile(pattern) for pattern in ignored]
    _check_tied(tensors, tied or {}, family, arch)
    read |= set(tied or {})
    for name, tensor in tensors.items():
        if name not in read and not any(p.fullmatch(name) for p in patterns):
            raise ValueError(
                f"The {family} checkpoint holds {name!r} (shape {tuple(tensor.shape)}), which "
                f"has no place in MetaGen's {arch}: its function would not be reproduced "
                "exactly. Import a checkpoint of the plain model, without extra heads or "
                "adapters."
            )
    return mapped


def _check_tied(
    tensors: Mapping[str, Any], tied: Mapping[str, str], family: str, arch: str
) -> None:
    import torch

    for name, canonical in tied.items():
        if name in tensors and canonical in tensors:
            if not torch.equal(tensors[name], tensors[canonical]):
                raise ValueError(
                    f"The {family} checkpoint's {name!r} differs from {canonical!r}, but "
                    f"MetaGen's {arch} ties them (one tensor), so it would not reproduce this "
                    "checkpoint's function. Its config.json should say the two are untied."
                )


def _source(
    tensors: Mapping[str, Any],
    name: str,
    shape: tuple[int, ...],
    target: str,
    family: str,
    arch: str,
) -> Any:
    if name not in tensors:
        raise ValueError(
            f"The {family} checkpoint has no tensor {name!r}, which MetaGen's {arch} needs for "
            f"{target} (shape {shape}). The weights are incomplete or belong to another model: "
            "use the weights saved with this config.json."
        )
    found = tuple(tensors[name].shape)
    if found != shape:
        raise ValueError(
            f"The {family} checkpoint's {name!r} has shape {found}, but MetaGen's {arch} built "
            f"from its config.json needs {shape} for {target}. The weights do not match the "
            "config: use the config.json saved with these weights."
        )
    return tensors[name]
