"""The captioning loss against cross-entropy over the caption tokens, and the VLM evaluator run
on a model whose answers are known."""

import pytest
import torch
import torch.nn.functional as F

from metagen.data.image_captions import CAPTION_IGNORE_INDEX
from metagen.data.synthetic_text import unigram_entropy_nats
from metagen.tasks.runtime import LOSSES
from metagen.tasks.vlm.evaluate import evaluate_captioning

torch.set_num_threads(1)


def test_caption_loss_skips_padding():
    torch.manual_seed(0)
    logits = torch.randn(2, 5, 11)
    targets = torch.tensor([[3, 4, 5, -100, -100], [1, 2, -100, -100, -100]])
    valid = targets != CAPTION_IGNORE_INDEX
    expected = F.cross_entropy(logits[valid], targets[valid])
    torch.testing.assert_close(LOSSES["vlm"](logits, {"targets": targets}), expected)


class CaptionOracle(torch.nn.Module):
    """Reads the answer off the image: images hold the target ids (ignored positions -1)."""

    def forward(self, images, input_ids):
        answer = images[:, 0, 0, : input_ids.size(1)].long().clamp(min=0)  # (B, T)
        return 20.0 * F.one_hot(answer, 16).float()  # (B, T, 16)

    def generate(self, images, prompt, max_new_tokens, temperature, eos_id):
        """Writes the caption off the image, then eos: greedy decoding of forward's answer."""
        answer = images[:, 0, 0].long()  # (B, T); -1 where the caption has ended
        rows = []
        for row in answer:
            words = [int(t) + 96 for t in row if t >= 0]  # ids 1..9 as the letters a..i
            rows.append([*words, eos_id, *[eos_id] * (max_new_tokens - len(words))])
        return torch.cat([prompt, torch.tensor(rows)[:, :max_new_tokens]], dim=1)


def test_captioning_evaluator_on_an_oracle():
    targets = torch.tensor([[1, 2, 3, -100], [4, 5, 6, 7], [8, 9, -100, -100]])
    images = targets.clamp(min=-1).float()[:, None, None, :].repeat(1, 1, 4, 1)  # (B, 1, 4, 4)
    batch = {"images": images, "input_ids": torch.zeros(3, 4, dtype=torch.long), "targets": targets}
    results = evaluate_captioning(CaptionOracle(), [batch], "cpu")
    assert results["loss"] < 1e-6 and results["token_accuracy"] == 1.0
    assert results["num_tokens"] == 9 and results["num_samples"] == 3
    assert results["unigram_entropy_nats"] == pytest.approx(
        unigram_entropy_nats(targets[targets != -100])
    )
    # Each caption scored against another sample's image: the oracle is now wrong.
    assert results["loss_mismatched_images"] > 5.0


def test_written_captions_are_scored_against_the_references_and_a_blind_writer():
    from metagen.tasks.vlm.evaluate import caption_scores

    references = ["a red circle", "a red circle", "a blue square on the left", "green ring"]
    perfect = caption_scores(list(references), references)
    assert perfect["captions_scored"] == 4
    assert perfect["bleu"] == pytest.approx(100) and perfect["rouge_l"] == pytest.approx(1.0)
    # the blind writer says "a red circle" to every picture: right twice in four
    assert perfect["constant_caption_rouge_l"] < perfect["rouge_l"]
    assert perfect["constant_caption_cider_d"] < perfect["cider_d"]
    assert perfect["constant_caption_bleu"] < perfect["bleu"]
