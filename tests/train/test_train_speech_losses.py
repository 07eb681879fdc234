"""Speech recognition losses: what they count, and that both fall on a fixed batch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from tests.archs.small_dims import SPEECH_CTC_BASE, SPEECH_SEQ2SEQ_BASE

from metagen.archs.build import build_from_dims
from metagen.data.batch import model_inputs
from metagen.data.speech_items import SPEECH_IGNORE_INDEX, speech_item
from metagen.tasks.runtime import LOSSES
from metagen.tasks.speech_recognition.loss import speech_seq2seq_loss
from metagen.tasks.speech_recognition_ctc.loss import speech_ctc_loss

torch.set_num_threads(1)


def test_seq2seq_loss_skips_padding():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 5, 11, generator=g)
    targets = torch.tensor([[1, 2, 10, SPEECH_IGNORE_INDEX, SPEECH_IGNORE_INDEX], [3, 4, 5, 6, 10]])
    loss = speech_seq2seq_loss(logits, {"targets": targets})
    valid = targets != SPEECH_IGNORE_INDEX
    expected = F.cross_entropy(logits[valid], targets[valid])
    torch.testing.assert_close(loss, expected)
    logits[0, 3:] += 100.0  # padded positions do not count
    torch.testing.assert_close(speech_seq2seq_loss(logits, {"targets": targets}), expected)


def test_ctc_loss_is_torchs_with_the_last_class_as_blank():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(3, 12, 8, generator=g)  # (B, S, V): blank is 7
    targets = torch.tensor(
        [
            [1, 2, 2, SPEECH_IGNORE_INDEX],
            [4, SPEECH_IGNORE_INDEX, SPEECH_IGNORE_INDEX, SPEECH_IGNORE_INDEX],
            [0, 1, 2, 3],
        ]
    )
    lengths = torch.tensor([3, 1, 4])
    log_probs = logits.log_softmax(-1).transpose(0, 1)
    expected = F.ctc_loss(log_probs, targets.clamp_min(0), torch.full((3,), 12), lengths, blank=7)
    torch.testing.assert_close(speech_ctc_loss(logits, {"targets": targets}), expected)
    per_clip = speech_ctc_loss(logits, {"targets": targets}, reduction="none")
    torch.testing.assert_close((per_clip / lengths).mean(), expected)


@pytest.mark.parametrize(
    ("arch", "dims", "task"),
    [
        ("speech_encoder_decoder", SPEECH_SEQ2SEQ_BASE, "speech_recognition"),
        ("speech_ctc", SPEECH_CTC_BASE, "speech_recognition_ctc"),
    ],
)
def test_loss_falls_on_a_fixed_batch(arch, dims, task):
    torch.manual_seed(0)
    model = build_from_dims(arch, dims)
    rng = np.random.default_rng(0)
    ctc = task.endswith("ctc")
    texts = ["yes", "no", "up", "go"]
    items = [
        speech_item(
            rng.normal(0, 0.1, dims["clip_samples"]).astype(np.float32), text, 3 if ctc else 4, ctc
        )
        for text in texts
    ]
    batch = {key: torch.stack([item[key] for item in items]) for key in items[0]}
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
    losses = []
    for _ in range(40):
        loss = LOSSES[task](model(**model_inputs(batch)), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert all(np.isfinite(losses))
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5]), losses
