"""Retrieval within one held-out batch: the query x item similarity matrix (pairs on the
diagonal) with recall@1 counted from it, and the first queries' top items with their scores,
pictures where the items are pictures (green: the query's group, red: another)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metagen.report.plots.generated_text import (
    TEXT_STYLE,
    caption_below,
    panel_lines,
    picture,
    text_rows,
)
from metagen.report.plots.style import figure, panels, save

HIT, MISS = "tab:green", "tab:red"
TEXT_WIDTH = 90  # characters of a text item's line


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    similarity = np.asarray(predictions["similarity"], dtype=float)
    groups = np.asarray(predictions["groups"]).astype(int)
    names = str(predictions["query_name"]), str(predictions["item_name"])
    group = str(predictions["group_name"])
    examples = _examples(predictions, similarity, groups)
    retrieved = (
        _retrieved_pictures(np.asarray(predictions["retrieved_images"], dtype=float), examples,
                            names, group, out_dir)
        if "retrieved_images" in predictions
        else _retrieved_texts(examples, names, group, out_dir)
    )  # fmt: skip
    return [_matrix(similarity, groups, names, out_dir), retrieved]


def recall_at_1(similarity: np.ndarray) -> float:
    """Share of queries (rows) whose own pair (the diagonal) scores above every other item;
    ties count against it, as the evaluators count them."""
    paired = np.diag(similarity)[:, None]
    return float(((similarity >= paired).sum(axis=1) == 1).mean())


def group_recall_at_1(similarity: np.ndarray, groups: np.ndarray) -> float:
    """Share of queries whose best-scoring item of their own group scores above every other
    item (ties count against it)."""
    same = groups[:, None] == groups[None, :]
    best = np.where(same, similarity, -np.inf).max(axis=1)
    return float(((similarity >= best[:, None]).sum(axis=1) == 1).mean())


def chance_group_recall_at_1(groups: np.ndarray) -> float:
    """group_recall_at_1 of a random ranking: the mean share of the query's group."""
    sizes = np.bincount(groups)[groups]
    return float((sizes / len(groups)).mean())


def _matrix(similarity, groups, names, out_dir: Path) -> Path:
    n = len(similarity)
    values = {
        "gallery_size": n,
        "recall_at_1": recall_at_1(similarity),
        "chance_recall_at_1": 1 / n,
        "group_recall_at_1": group_recall_at_1(similarity, groups),
        "chance_group_recall_at_1": chance_group_recall_at_1(groups),
        "num_groups": int(len(np.unique(groups))),
        "similarity": similarity.tolist(),
    }
    fig, ax = figure(6.4, 6.0)
    image = ax.imshow(similarity, cmap="viridis")
    ax.set(xlabel=f"{names[1]} (held-out, in batch order)",
           ylabel=f"{names[0]} (held-out, in batch order)")  # fmt: skip
    ax.set_title(
        f"Cosine similarity in one held-out batch of {n} pairs (pairs on the diagonal)\n"
        f"{names[0]}->{names[1]} R@1 {values['recall_at_1']:.3f} (chance {1 / n:.3f}); "
        f"same-group R@1 {values['group_recall_at_1']:.3f} "
        f"(chance {values['chance_group_recall_at_1']:.3f})",
        fontsize=9,
    )
    fig.colorbar(image, ax=ax, fraction=0.046)
    return save(fig, out_dir, "similarity_matrix", values)


def _examples(predictions, similarity, groups) -> list[dict]:
    """Each shown query's top items: index, score, text, same group, and whether the item is
    the query's own pair."""
    rows = []
    for query, (text, retrieved) in enumerate(
        zip(predictions["queries"], np.asarray(predictions["retrieved"]).tolist(), strict=True)
    ):
        items = [
            {"index": j, "score": float(similarity[query, j]), "text": item_text,
             "same_group": bool(groups[j] == groups[query]), "is_pair": j == query}
            for j, item_text in zip(retrieved, predictions["retrieved_texts"][query], strict=True)
        ]  # fmt: skip
        rows.append({"query": text, "retrieved": items})
    return rows


def _retrieved_pictures(images, examples, names, group: str, out_dir: Path) -> Path:
    """A row per query: its text, then its top pictures (q, k, C, H, W), each titled with its
    rank and score over its own text in grey."""
    queries, top = images.shape[:2]
    shown: list[dict[str, Any]] = []
    fig, axes = panels(queries, top + 1, 2.0 * (top + 1), 2.3 * queries + 0.4)
    for row, example in enumerate(examples):
        query_ax = axes[row * (top + 1)]
        query_ax.axis("off")
        query = panel_lines(example["query"], 18, 4)
        query_ax.text(0.5, 0.5, "\n".join(query), ha="center", va="center", fontweight="bold",
                      **TEXT_STYLE)  # fmt: skip
        shown.append({"query": query, "retrieved": []})
        for rank, item in enumerate(example["retrieved"]):
            ax, image = axes[row * (top + 1) + rank + 1], images[row, rank]
            pixels, cmap = picture(image)
            ax.imshow(pixels, cmap=cmap, vmin=0, vmax=1)
            pair = ", its pair" if item["is_pair"] else ""
            ax.set_title(f"{rank + 1}. {item['score']:.3f}{pair}", fontsize=8,
                         color=HIT if item["same_group"] else MISS)  # fmt: skip
            own = panel_lines(item["text"], 22, 2)
            caption_below(ax, own, "grey")
            shown[-1]["retrieved"].append({**item, "text": own})
    fig.suptitle(f"Each held-out {names[0]}'s top {top} {names[1]}s by cosine similarity\n"
                 f"(green: {group}, red: not); grey: the {names[1]}'s own {names[0]}",
                 fontsize=9)  # fmt: skip
    return save(fig, out_dir, "retrieval_examples", {"examples": shown})


def _retrieved_texts(examples, names, group: str, out_dir: Path) -> Path:
    """A text panel: each query in bold, then its top items, rank, score and text."""
    rows: list[tuple[str, str, str]] = []  # (text, colour, weight)
    shown: list[dict[str, Any]] = []
    for example in examples:
        query = panel_lines(example["query"], TEXT_WIDTH, 2)
        rows += [(f"{names[0]}: {line}", "black", "bold") for line in query]
        shown.append({"query": query, "retrieved": []})
        for rank, item in enumerate(example["retrieved"]):
            pair = " (its pair)" if item["is_pair"] else ""
            lead = f"  {rank + 1}. {item['score']:.3f}{pair}  "
            own = panel_lines(item["text"], TEXT_WIDTH - len(lead), 1)
            rows.append((lead + own[0], HIT if item["same_group"] else MISS, ""))
            shown[-1]["retrieved"].append({**item, "text": own})
        rows.append(("", "black", ""))
    title = (f"Each held-out {names[0]}'s top {names[1]}s by cosine similarity "
             f"(green: {group}, red: not)")  # fmt: skip
    fig = text_rows(rows, TEXT_WIDTH + len(names[0]) + 2, title)
    return save(fig, out_dir, "retrieval_examples", {"examples": shown})
