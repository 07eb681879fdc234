"""Zachary's karate club (networkx), written out in the graph-folder format and trained through
the user-data path as a user would (slow): 2 labelled members per club, the club of every
other member predicted. networkx is only the test's source of the graph."""

from __future__ import annotations

import json

import pytest
from tests.e2e.runs import metagen_train, read_json, run_script

pytestmark = pytest.mark.slow
nx = pytest.importorskip("networkx")

SPEC = """
metagen_version: "1.0"
name: karate
modality: {inputs: [graph], outputs: [label]}
task: {type: node_classification, num_classes: 2}
constraints: {parameter_budget: {max: "20k"}}
architecture: {family: gnn, variant: gcn}
"""
LABELLED_PER_CLASS = 2
MIN_ACCURACY = 0.9


def write_karate(folder) -> None:
    """nodes.csv: label (0 Mr. Hi's club, 1 the Officer's) and split (the first two members of
    each club train); no feature columns, so each node's features are its one-hot row."""
    graph = nx.karate_club_graph()
    labels = [int(graph.nodes[n]["club"] != "Mr. Hi") for n in graph.nodes]
    seen = {0: 0, 1: 0}
    rows = ["label,split"]
    for label in labels:
        train = seen[label] < LABELLED_PER_CLASS
        seen[label] += train
        rows.append(f"{label},{'train' if train else 'val'}")
    folder.mkdir()
    (folder / "nodes.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    edges = ["source,target", *(f"{a},{b}" for a, b in graph.edges)]
    (folder / "edges.csv").write_text("\n".join(edges) + "\n", encoding="utf-8")


def test_karate_club_from_two_members_per_club(tmp_path):
    data = tmp_path / "karate"
    write_karate(data)
    spec = tmp_path / "karate.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--data", str(data), "--out", str(tmp_path), "--run-id", "k"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    scores = read_json(tmp_path / "k" / "train" / "smoke" / "metrics.json")["eval"]
    print(
        f"karate club: accuracy {scores['accuracy']:.4f} on {scores['num_nodes']} nodes, "
        f"majority class {scores['majority_class_accuracy']:.4f}"
    )
    assert scores["num_nodes"] == 34 - 2 * LABELLED_PER_CLASS
    assert scores["accuracy"] >= MIN_ACCURACY, scores
    assert scores["accuracy"] > scores["majority_class_accuracy"], scores
    # infer.py: every node of the graph folder, and the listed nodes of the trained graph
    (tmp_path / "ids.jsonl").write_text('{"node": 0}\n{"node": 33}\n', encoding="utf-8")
    out = tmp_path / "clubs.jsonl"
    run_script(tmp_path / "k" / "code", "infer.py", "--checkpoint",
               str(tmp_path / "k" / "train" / "smoke"), str(data), str(tmp_path / "ids.jsonl"),
               "--out", str(out))  # fmt: skip
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    graph_rows, listed = rows[:34], rows[34:]
    assert [row["node"] for row in graph_rows] == list(range(34))
    assert graph_rows[0]["label"] == "0"  # Mr. Hi himself, in his own club
    assert [row["node"] for row in listed] == [0, 33]
    assert [row["top"] for row in listed] == [graph_rows[0]["top"], graph_rows[33]["top"]]
