"""Synthetic tabular rows with a learnable rule. The rule is fixed by the seed and shared by
both splits; the rows of each split are drawn with their own seed, so no held-out row is a
training row. Features are standard normal, so a model sees them as a standardized CSV."""

import numpy as np

# A ranking list's graded relevance: cut points on the latent score's quantiles, so about 60%
# of the items are irrelevant (grade 0) and 7% have the top grade (3).
TABULAR_GRADE_QUANTILES = (0.6, 0.8, 0.93)
TABULAR_LATENT_DIM = 8  # dimensions of an embedding pair's shared latent point
TABULAR_VIEW_NOISE = 0.35  # noise of each view of the latent point, against unit signal


def _tabular_rule_rng(seed: int, what: str) -> np.random.Generator:
    return np.random.default_rng([seed, sum(what.encode())])


def tabular_rows(n: int, num_features: int, sample_seed: int) -> np.ndarray:
    return np.random.default_rng([sample_seed, 7]).standard_normal((n, num_features))


def tabular_class_labels(x: np.ndarray, num_classes: int, seed: int) -> np.ndarray:
    """A one-hidden-layer rule: class = argmax(tanh(x W1) W2), balanced by centring the logits
    on their median over a fixed reference sample."""
    rng = _tabular_rule_rng(seed, "classes")
    features = x.shape[-1]
    w1 = rng.standard_normal((features, 16)) / np.sqrt(features)
    w2 = rng.standard_normal((16, num_classes))
    reference = np.tanh(_tabular_rule_rng(seed, "ref").standard_normal((4096, features)) @ w1) @ w2
    logits = np.tanh(x @ w1) @ w2 - np.median(reference, axis=0)
    return logits.argmax(axis=-1).astype(np.int64)


def tabular_regression_targets(x: np.ndarray, seed: int) -> np.ndarray:
    """y = x a + 0.5 sin(2 x0) + 0.5 x1 x2 + noise(0.1), one target per row (N, 1)."""
    rng = _tabular_rule_rng(seed, "regression")
    features = x.shape[-1]
    a = rng.standard_normal(features) / np.sqrt(features)
    j, k = 1 % features, 2 % features
    signal = x @ a + 0.5 * np.sin(2 * x[:, 0]) + 0.5 * x[:, j] * x[:, k]
    noise = 0.1 * np.random.default_rng([seed, len(x), 11]).standard_normal(len(x))
    return (signal + noise)[:, None]


def tabular_relevance(x: np.ndarray, seed: int) -> np.ndarray:
    """Graded relevance 0..3 of items x (..., F) from a latent score w x + 0.5 x0 x1."""
    rng = _tabular_rule_rng(seed, "ranking")
    features = x.shape[-1]
    w = rng.standard_normal(features) / np.sqrt(features)

    def score(items: np.ndarray) -> np.ndarray:
        return items @ w + 0.5 * items[..., 0] * items[..., 1 % features]

    reference = score(_tabular_rule_rng(seed, "ref").standard_normal((8192, features)))
    cuts = np.quantile(reference, TABULAR_GRADE_QUANTILES)
    return np.digitize(score(x), cuts).astype(np.float32)


def tabular_view_pairs(n: int, num_features: int, seed: int, sample_seed: int) -> np.ndarray:
    """(n, 2, F): two noisy views of each of n latent points through a fixed nonlinear map."""
    rng = _tabular_rule_rng(seed, "embedding")
    mix = rng.standard_normal((TABULAR_LATENT_DIM, num_features)) / np.sqrt(TABULAR_LATENT_DIM)
    samples = np.random.default_rng([sample_seed, 13])
    latent = samples.standard_normal((n, 1, TABULAR_LATENT_DIM))
    views = np.tanh(latent @ mix) * np.sqrt(2)  # (n, 1, F)
    return views + TABULAR_VIEW_NOISE * samples.standard_normal((n, 2, num_features))


def _tabular_split(task: str, cfg: dict, seed: int, n: int, sample_seed: int):
    features = int(cfg["num_features"])
    if task == "embedding":
        return tabular_view_pairs(n, features, seed, sample_seed), None
    if task == "ranking":
        size = int(cfg["list_size"])
        items = tabular_rows(n * size, features, sample_seed).reshape(n, size, features)
        return items, tabular_relevance(items, seed)
    x = tabular_rows(n, features, sample_seed)
    if task == "regression":
        return x, tabular_regression_targets(x, seed)
    return x, tabular_class_labels(x, int(cfg["num_classes"]), seed)


def tabular_synthetic(task: str, cfg: dict, seed: int) -> tuple[tuple, tuple]:
    """((x, y) train, (x, y) held-out) of `task`: rows and classes or targets, ranking lists
    (n, L, F) and grades (n, L), or embedding pairs (n, 2, F) and None. The rule comes from
    `seed`; each split draws its rows from its own seed."""
    return (
        _tabular_split(task, cfg, seed, int(cfg["num_train"]), 2 * seed),
        _tabular_split(task, cfg, seed, int(cfg["num_val"]), 2 * seed + 1),
    )
