"""Node classification data: the stochastic block model, the graph folder's checks, and the
batch (the whole graph, labels on the batch's nodes only)."""

from pathlib import Path

import numpy as np
import pytest
import torch

from metagen.data.graph_synthetic import stochastic_block_graph
from metagen.tasks.node_classification.data import node_classification_datasets

torch.set_num_threads(1)
CFG = {"num_classes": 3, "num_features": 8, "num_train": 90, "num_val": 60, "val_fraction": 0.5}


def write_graph(folder: Path, nodes: str, edges: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "nodes.csv").write_text(nodes, encoding="utf-8")
    (folder / "edges.csv").write_text(edges, encoding="utf-8")
    return folder


def test_block_model_keeps_most_edges_inside_communities():
    x, edges, labels = stochastic_block_graph([50, 50, 50], 8, np.random.default_rng(0))
    assert x.shape == (150, 8) and labels.shape == (150,)
    inside = (labels[edges[:, 0]] == labels[edges[:, 1]]).mean()
    assert inside > 0.8  # 8 expected neighbours inside, 0.8 outside


def test_batch_is_the_whole_graph_with_the_batch_labels():
    train, val, info = node_classification_datasets(CFG, "synthetic", 0)
    assert (len(train), len(val), info["num_nodes"]) == (90, 60, 150)
    assert not set(train.nodes) & set(val.nodes)
    batch = train.collate([train[0], train[1]])
    assert batch["x"].shape == (150, 8) and batch["edge_index"].shape[0] == 2
    assert (batch["labels"] >= 0).sum() == 2
    # undirected: every edge is there both ways
    pairs = set(map(tuple, batch["edge_index"].T.tolist()))
    assert all((b, a) in pairs for a, b in pairs)


def test_graph_folder_with_split_and_one_hot_features(tmp_path):
    folder = write_graph(
        tmp_path / "g",
        "label,split\n0,train\n1,train\n0,val\n1,val\n,\n",
        "source,target\n0,1\n1,2\n2,3\n3,4\n",
    )
    train, val, info = node_classification_datasets(CFG, str(folder), 0)
    assert sorted(train.nodes) == [0, 1] and sorted(val.nodes) == [2, 3]
    assert info["fit_dims"] == {"in_features": 5, "num_outputs": 2}  # one-hot node rows


@pytest.mark.parametrize(
    ("nodes", "edges", "words"),
    [
        ("f,split\n1,train\n", "source,target\n0,0\n", "no label column"),
        ("label\n", "source,target\n", "empty graph"),
        ("f,label\n1,0\n2,1\n", "source,target\n0,2\n", "out of range"),
        ("f,label\nx,0\n2,1\n", "source,target\n0,1\n", "non-numeric"),
        ("f,label\n1,0\n2,1\n", "from,to\n0,1\n", "source and target"),
        ("f,label\n1,0\n2,a\n", "source,target\n0,1\n", "not a class index"),
    ],
)
def test_malformed_graph_folder_is_refused(tmp_path, nodes, edges, words):
    folder = write_graph(tmp_path / "bad", nodes, edges)
    with pytest.raises(ValueError, match=words):
        node_classification_datasets(CFG, str(folder), 0)


def test_missing_edges_file_names_the_format(tmp_path):
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "nodes.csv").write_text("label\n0\n1\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="edges.csv"):
        node_classification_datasets(CFG, str(folder), 0)
