"""CLIP's loss and retrieval metrics against independent references: a hand-written InfoNCE,
scikit-learn's top-k accuracy for R@K, and the evaluator run on a model whose answers are
known."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import top_k_accuracy_score

from metagen.tasks.contrastive.evaluate import evaluate_contrastive
from metagen.tasks.contrastive.evaluate_retrieval import (
    recall_at_k,
    retrieval_ranks,
    same_group_at_1,
    same_group_chance,
)
from metagen.tasks.runtime import LOSSES

torch.set_num_threads(1)

# A fixed fixture: 4 images x 4 captions, logits_per_image (rows are images).
FIXTURE = [
    [5.0, 1.0, -2.0, 0.5],
    [0.0, 3.0, 1.5, -1.0],
    [2.5, -0.5, 2.0, 0.0],
    [-1.0, 0.0, 0.5, 4.0],
]


def info_nce_by_hand(logits) -> float:
    """CLIP's symmetric loss written out: mean over images of -log softmax over captions,
    mean over captions of -log softmax over images, averaged."""
    n = len(logits)

    def nll(row: list[float], target: int) -> float:
        return -row[target] + math.log(sum(math.exp(v) for v in row))

    image_to_text = sum(nll(logits[i], i) for i in range(n)) / n
    columns = [[logits[i][j] for i in range(n)] for j in range(n)]
    text_to_image = sum(nll(columns[j], j) for j in range(n)) / n
    return (image_to_text + text_to_image) / 2


def test_info_nce_equals_the_hand_written_reference():
    loss = LOSSES["contrastive"](torch.tensor(FIXTURE), {})
    assert float(loss) == pytest.approx(info_nce_by_hand(FIXTURE), rel=1e-6)


@pytest.mark.parametrize(("n", "scale"), [(2, 1.0), (8, 3.0), (64, 5.0)])
def test_info_nce_of_a_scaled_identity_has_its_closed_form(n, scale):
    # Every row and column: -s + log(e^s + n - 1) = log(1 + (n - 1) e^-s).
    loss = LOSSES["contrastive"](scale * torch.eye(n), {})
    assert float(loss) == pytest.approx(math.log1p((n - 1) * math.exp(-scale)), rel=1e-5)


def test_info_nce_is_not_symmetric_only_by_accident():
    # Transposing swaps the two directions: same loss; a non-diagonal matrix is worse.
    logits = torch.tensor(FIXTURE)
    assert float(LOSSES["contrastive"](logits.t(), {})) == pytest.approx(
        float(LOSSES["contrastive"](logits, {}))
    )
    shuffled = logits[[1, 0, 3, 2]]
    assert float(LOSSES["contrastive"](shuffled, {})) > float(LOSSES["contrastive"](logits, {}))


@pytest.mark.parametrize("k", [1, 3, 5])
def test_recall_at_k_matches_scikit_learn(k):
    rng = np.random.default_rng(k)
    similarity = rng.normal(size=(40, 40))
    expected = top_k_accuracy_score(np.arange(40), similarity, k=k, labels=np.arange(40))
    assert recall_at_k(torch.from_numpy(similarity), k) == pytest.approx(expected)


def test_ties_count_against_the_match():
    collapsed = torch.ones(6, 6)  # every item scores the same: nothing is retrieved
    assert retrieval_ranks(collapsed).tolist() == [5] * 6
    assert recall_at_k(collapsed, 1) == 0.0 and recall_at_k(collapsed, 5) == 0.0
    with pytest.raises(ValueError, match="square"):
        recall_at_k(torch.ones(2, 3), 1)


def test_same_group_at_1_and_its_chance():
    groups = torch.tensor([0, 0, 1, 2])
    similarity = torch.tensor([[0.0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [1, 0, 0, 0]])
    assert same_group_at_1(similarity, groups) == 0.5  # rows 0 and 2 hit their group
    assert same_group_chance(groups) == pytest.approx((2 / 4 + 2 / 4 + 1 / 4 + 1 / 4) / 4)


class PairOracle(torch.nn.Module):
    """Embeds image i and caption i onto the same random direction (caption id in column 0);
    `noise` blurs the images."""

    def __init__(self, n: int, noise: float = 0.0):
        super().__init__()
        self.table = torch.nn.Parameter(
            torch.randn(n, 8, generator=torch.Generator().manual_seed(0))
        )
        self.noise = noise

    def encode_image(self, images):
        return F.normalize(images + self.noise * torch.randn_like(images), dim=-1)

    def encode_text(self, input_ids):
        return F.normalize(self.table[input_ids[:, 0]], dim=-1)

    def logit_scale(self):
        return torch.tensor(10.0)


def test_contrastive_evaluator_on_an_oracle_and_on_noise():
    n = 24
    oracle = PairOracle(n)
    ids = torch.arange(n)[:, None].repeat(1, 3)  # caption i is [i, i, i]: all distinct
    batches = [
        {"images": oracle.table[i : i + 8].detach(), "input_ids": ids[i : i + 8]}
        for i in range(0, n, 8)
    ]
    with torch.no_grad():
        results = evaluate_contrastive(oracle, batches, "cpu")
    assert results["r1_text_to_image"] == results["r1_image_to_text"] == 1.0
    assert results["chance_r1"] == 1 / n and results["chance_r5"] == 5 / n
    assert results["gallery_size"] == n and results["num_distinct_captions"] == n
    assert results["same_caption_at_1_text_to_image"] == 1.0
    assert results["chance_same_caption_at_1"] == pytest.approx(1 / n)
    torch.manual_seed(1)  # not 0: the table itself is drawn from seed 0
    with torch.no_grad():
        blind = evaluate_contrastive(PairOracle(n, noise=100.0), batches, "cpu")
    assert blind["r1_text_to_image"] < 0.25 and blind["loss"] > results["loss"]
