"""Graph classification data: the disjoint-union batch, the structural synthetic label, and
the JSONL checks."""

import json

import numpy as np
import pytest
import torch

from metagen.archs.gnn.model import GNN, GNNConfig
from metagen.tasks.graph_classification.data import (
    GraphSet,
    graph_classification_datasets,
    read_graph_jsonl,
    structural_graph,
)

torch.set_num_threads(1)


def write_jsonl(path, records) -> str:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return str(path)


def test_structural_label_is_whether_the_graph_has_cycles():
    rng = np.random.default_rng(0)
    for label in (0, 1):
        graph = structural_graph(label, rng)
        nodes, undirected = len(graph["x"]), len(graph["edges"]) // 2
        assert undirected == nodes - 1 + 3 * label  # a tree, or a tree and 3 more edges


def test_batch_is_a_disjoint_union_that_pools_each_graph_alone():
    train, _, _ = graph_classification_datasets(
        {"num_train": 6, "num_val": 2, "val_fraction": 0.2}, "synthetic", 0
    )
    graphs = [train[i] for i in range(3)]
    batch = GraphSet.collate(graphs)
    sizes = [len(g["x"]) for g in graphs]
    assert batch["x"].shape[0] == sum(sizes)
    assert torch.equal(torch.bincount(batch["batch"]), torch.tensor(sizes))
    # every edge stays inside its graph
    assert torch.equal(
        batch["batch"][batch["edge_index"][0]], batch["batch"][batch["edge_index"][1]]
    )
    torch.manual_seed(0)
    model = GNN(GNNConfig(in_features=2, hidden=8, n_layers=2, conv="gin", readout="mean")).eval()
    together = model(**{k: v for k, v in batch.items() if k != "labels"})
    alone = torch.cat([model(g["x"], g["edge_index"]) for g in graphs])
    torch.testing.assert_close(together, alone)


@pytest.mark.parametrize(
    ("record", "words"),
    [
        ({"x": [[1.0]], "edges": []}, "keys x, edges and label"),
        ({"x": [], "edges": [], "label": 0}, "empty graph"),
        ({"x": [[1.0], [2.0]], "edges": [[0, 2]], "label": 0}, "out of range"),
        ({"x": [["a"], [2.0]], "edges": [[0, 1]], "label": 0}, "non-numeric"),
        ({"x": [[1.0], [2.0]], "edges": [[0, 1.5]], "label": 0}, "integer node rows"),
        ({"x": [[1.0], [2.0]], "edges": [[0, 1]], "label": "toxic"}, "not a class index"),
    ],
)
def test_malformed_graph_is_refused_with_its_line(tmp_path, record, words):
    good = {"x": [[1.0], [2.0]], "edges": [[0, 1], [1, 0]], "label": 1}
    path = write_jsonl(tmp_path / "g.jsonl", [good, record])
    with pytest.raises(ValueError, match=words) as error:
        read_graph_jsonl(tmp_path / "g.jsonl")
    assert f"{path}:2" in str(error.value)


def test_user_graphs_split_and_fit_the_model(tmp_path):
    records = [
        {"x": [[float(i), 1.0]] * 3, "edges": [[0, 1], [1, 2]], "label": i % 3} for i in range(12)
    ]
    path = write_jsonl(tmp_path / "g.jsonl", records)
    train, val, info = graph_classification_datasets({"val_fraction": 0.25}, path, 0)
    assert (len(train), len(val)) == (9, 3)
    assert info["fit_dims"] == {"in_features": 2, "num_outputs": 3}
