"""The GNN that the graph task handlers build (archs/gnn): family gnn, and architecture.variant
naming its layer type (gcn, gat, gin, sage) or a named Cora model (gcn_cora, gat_cora)."""

from __future__ import annotations

from metagen.blueprint.catalog import get_variant
from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import spec_family
from metagen.handlers.planned import FAMILIES, not_built
from metagen.spec import Spec

GNN_LAYER_VARIANTS = ("gcn", "gat", "gin", "sage")
DEFAULT_GNN_LAYER = "gcn"
GAT_HEADS = 4  # heads of a hidden GAT layer; the solver's widths are multiples of it
_LAYER_ROLES = {
    "gcn": "GCN layers: symmetric-normalized sum over neighbours and self, then a linear map",
    "gat": f"GAT layers: {GAT_HEADS}-head attention over neighbours and self, heads concatenated",
    "gin": "GIN layers: a two-layer MLP of a node plus the sum of its neighbours",
    "sage": "GraphSAGE layers: a linear map of the neighbours' mean plus one of the node",
}
_READOUT_ROLES = {
    "sum": "Readout: the sum of each graph's node states",
    "mean": "Readout: the mean of each graph's node states",
    "attention": "Readout: each graph's node states weighted by a softmax of a learned gate",
}


def plan_gnn(
    spec: Spec, bp: Blueprint, task: str, readout: str, in_features: int, num_outputs: int
) -> None:
    """Set bp's arch, task, fixed dims and components for a GNN of `readout` ("none": outputs
    per node) on graphs of `in_features` node features."""
    inputs = spec.modality.inputs
    if list(inputs) != ["graph"]:
        raise PlanError(
            f"{task} reads one graph input, not {', '.join(inputs)}; set modality.inputs: [graph]."
        )
    family = spec_family(spec, default="gnn")
    if family == "two_tower" or (family in FAMILIES and family != "gnn"):
        raise not_built(FAMILIES[family], "architecture.family", family)
    if family != "gnn":
        raise PlanError(
            f"architecture.family '{family}' is not built for {task}; graphs are read by family "
            "gnn (variant gcn, gat, gin or sage picks the layer). Set architecture.family: gnn."
        )
    bp.family, bp.arch, bp.task = "gnn", "gnn", task
    named = get_variant(bp.variant) if bp.variant else None
    if named is not None and named.arch == "gnn":
        if named.dims["readout"] != readout:
            raise PlanError(
                f"architecture.variant '{bp.variant}' classifies nodes; {task} needs a readout. "
                f"Use variant {' or '.join(GNN_LAYER_VARIANTS)} instead."
            )
        conv = named.dims["conv"]
    else:
        conv = bp.variant or DEFAULT_GNN_LAYER
        if conv not in GNN_LAYER_VARIANTS:
            raise PlanError(
                f"architecture.variant '{conv}' is not a GNN layer; known: "
                f"{', '.join(GNN_LAYER_VARIANTS)} (or gcn_cora, gat_cora for node classification)."
            )
        bp.variant = None  # a layer type, not a published size: the solver sizes it
        bp.fixed_dims.update(
            in_features=in_features,
            num_outputs=num_outputs,
            conv=conv,
            heads=GAT_HEADS if conv == "gat" else 1,
            out_heads=1,
            readout=readout,
            nodes_per_graph=16,
            dropout=0.0,
        )
    bp.components = [("convs", _LAYER_ROLES[conv])]
    if readout == "attention":
        bp.components.append(("pool", _READOUT_ROLES[readout]))
    elif readout != "none":
        bp.decisions.append(f"{_READOUT_ROLES[readout]}, read by a linear head.")
    if readout != "none":
        bp.components.append(("head", "Linear head: class logits per graph"))
