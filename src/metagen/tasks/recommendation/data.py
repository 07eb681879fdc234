"""Recommendation data: user-item interactions (implicit feedback). A training sample is one
interaction; a held-out sample is one user, with the items held out for them, the items they
interacted with in training (never recommended again) and the items' training popularity
(the baseline's scores), each as a vector over all items.

Synthetic: latent factors. Users and items get 8-dimensional factors and items a popularity
bias (std 0.5); a user picks items with probability proportional to exp(5 u.v + bias), so
taste and popularity both carry signal, taste more. A user's file is a CSV with a header: `user`, `item` (any
strings) and an optional `rating` (a row rated 0 or less is no interaction). A fifth of each
user's interactions (the last in the file; at least one, for users with two or more) is held
out."""

import csv
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

LATENT_FACTORS = 8
TASTE_SCALE = 5.0
POPULARITY_SPREAD = 0.5  # std of the items' popularity bias
INTERACTIONS_PER_USER = 20
HELD_OUT_SHARE = 0.2
INTERACTIONS_FORMAT = (
    "a CSV with a header and the columns user and item (identifiers), and optionally rating "
    "(a number; 0 or less is no interaction)"
)


def latent_factor_interactions(users: int, items: int, rng: np.random.Generator) -> list[list[int]]:
    """Each user's distinct items, in the order picked."""
    u = rng.standard_normal((users, LATENT_FACTORS)) / np.sqrt(LATENT_FACTORS)
    v = rng.standard_normal((items, LATENT_FACTORS))
    bias = POPULARITY_SPREAD * rng.standard_normal(items)
    logits = TASTE_SCALE * u @ v.T + bias
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    picks = min(INTERACTIONS_PER_USER, items // 2)
    return [list(rng.choice(items, size=picks, replace=False, p=p)) for p in probs]


def read_interactions(path: Path) -> tuple[list[list[int]], list[str], list[str]]:
    """(each user's items in file order, user ids, item ids) of an interactions CSV."""
    if not path.is_file():
        raise FileNotFoundError(f"no interactions file at {path}; give {INTERACTIONS_FORMAT}")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = [name.strip() for name in rows[0]] if rows else []
    if not {"user", "item"} <= set(header):
        raise ValueError(
            f"{path} needs user and item columns (found {header}); give {INTERACTIONS_FORMAT}"
        )
    user_col, item_col = header.index("user"), header.index("item")
    rating_col = header.index("rating") if "rating" in header else None
    users: dict[str, int] = {}
    items: dict[str, int] = {}
    history: list[list[int]] = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ValueError(f"{path}:{number}: {len(row)} cells for {len(header)} columns")
        if rating_col is not None:
            try:
                if float(row[rating_col]) <= 0:
                    continue
            except ValueError:
                raise ValueError(
                    f"{path}:{number}: rating {row[rating_col]!r} is not a number"
                ) from None
        user = users.setdefault(row[user_col].strip(), len(users))
        item = items.setdefault(row[item_col].strip(), len(items))
        if user == len(history):
            history.append([])
        if item not in history[user]:
            history[user].append(item)
    if not history:
        raise ValueError(f"{path} holds no interaction; give {INTERACTIONS_FORMAT}")
    return history, list(users), list(items)


class InteractionSet(Dataset):
    """(user, item) training interactions; default batching stacks them."""

    def __init__(self, pairs: list[tuple[int, int]]) -> None:
        self.pairs = torch.tensor(pairs, dtype=torch.long).reshape(-1, 2)

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> dict:
        return {"users": self.pairs[index, 0], "items": self.pairs[index, 1]}


class HeldOutUsers(Dataset):
    """One user per sample, with multi-hot held-out and seen items and item popularity."""

    def __init__(self, users: list[int], held, seen, popularity: np.ndarray) -> None:
        self.users, self.held, self.seen = users, held, seen
        self.popularity = torch.tensor(popularity, dtype=torch.float32)

    def __len__(self) -> int:
        return len(self.users)

    def __getitem__(self, index: int) -> dict:
        held = torch.zeros_like(self.popularity)
        seen = torch.zeros_like(self.popularity)
        held[self.held[index]] = 1.0
        seen[self.seen[index]] = 1.0
        user = torch.tensor(self.users[index])
        return {"users": user, "held_out": held, "seen": seen, "popularity": self.popularity}


def recommendation_datasets(cfg: dict, source: str, seed: int):
    rng = np.random.default_rng(seed)
    if source == "synthetic":
        num_items = int(cfg["num_items"])
        history = latent_factor_interactions(int(cfg["num_users"]), num_items, rng)
    else:
        history, _, item_ids = read_interactions(Path(source))
        num_items = len(item_ids)
    train_pairs, held_users, held, seen = [], [], [], []
    for user, items in enumerate(history):
        cut = len(items) - max(1, int(HELD_OUT_SHARE * len(items))) if len(items) > 1 else 1
        train_pairs += [(user, item) for item in items[:cut]]
        if cut < len(items):
            held_users.append(user)
            held.append(items[cut:])
            seen.append(items[:cut])
    if not held_users:
        raise ValueError(f"{source}: no user has two interactions, so none can be held out")
    popularity = np.bincount([i for _, i in train_pairs], minlength=num_items).astype(float)
    info = {
        "task": "recommendation",
        "source": source,
        "fit_dims": {"num_users": len(history), "num_items": num_items},
        "num_train": len(train_pairs),
        "num_val": len(held_users),
    }
    if source != "synthetic":
        info.update(user_ids=read_interactions(Path(source))[1], item_ids=item_ids)
    return InteractionSet(train_pairs), HeldOutUsers(held_users, held, seen, popularity), info
