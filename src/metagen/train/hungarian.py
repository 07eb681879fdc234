"""Optimal one-to-one matching of predictions to ground truth (the Hungarian algorithm)."""

import numpy as np
import torch


def hungarian_match(cost: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Rows and columns of the minimum-cost assignment of a (N, M) cost matrix: min(N, M)
    pairs, rows increasing. SciPy's linear_sum_assignment (Jonker-Volgenant) solves it."""
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(cost.detach().float().cpu().numpy())
    return (
        torch.as_tensor(rows.astype(np.int64), device=cost.device),
        torch.as_tensor(cols.astype(np.int64), device=cost.device),
    )
