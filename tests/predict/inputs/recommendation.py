"""Inputs for a recommender's infer.py: a CSV of users it trained on."""

from __future__ import annotations

import json
from pathlib import Path


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` user ids in one CSV in `folder`; each gets a prediction."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    users = info.get("user_ids") or [str(u) for u in range(info["fit_dims"]["num_users"])]
    (folder / "users.csv").write_text("\n".join(["user", *users[:count]]) + "\n")
    return min(count, len(users))
