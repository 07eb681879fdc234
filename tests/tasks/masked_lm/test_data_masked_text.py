"""BERT-style masking: 15% of the tokens chosen, 80/10/10 replacement, fixed per window."""

import pytest
import torch

from metagen.data.synthetic_text import make_synthetic_text
from metagen.data.tokenizer import ByteTokenizer, MaskedByteTokenizer
from metagen.tasks.masked_lm.data import (
    MLM_IGNORE_INDEX,
    MaskedTokenWindows,
    apply_mlm_masking,
)
from metagen.tasks.runtime import build_datasets

torch.set_num_threads(1)

MASK_ID = MaskedByteTokenizer.mask_id


def windows(n_tokens=20_000, seq_len=100, seed=0):
    tokens = torch.randint(256, (n_tokens,), generator=torch.Generator().manual_seed(1))
    return MaskedTokenWindows(tokens, seq_len, MASK_ID, seed)


def test_mask_tokenizer_extends_the_byte_tokenizer():
    base, masked = ByteTokenizer(), MaskedByteTokenizer()
    assert (base.bos_id, base.eos_id, base.pad_id, base.vocab_size) == (256, 257, 258, 259)
    assert (masked.mask_id, masked.vocab_size) == (259, 260)
    assert masked.encode("héllo", add_bos=True) == base.encode("héllo", add_bos=True)
    assert masked.decode([104, 105, MASK_ID, base.pad_id]) == "hi"


@pytest.mark.parametrize("seq_len", [7, 64, 100])
def test_exactly_15_percent_are_predicted_and_targets_hold_the_originals(seq_len):
    data = windows(seq_len=seq_len)
    for index in range(0, len(data), 17):
        item = data[index]
        original = data.tokens[index * seq_len : (index + 1) * seq_len]
        predicted = item["targets"] != MLM_IGNORE_INDEX
        assert int(predicted.sum()) == max(1, round(0.15 * seq_len))
        assert torch.equal(item["targets"][predicted], original[predicted])
        # Unpredicted positions are never touched.
        assert torch.equal(item["input_ids"][~predicted], original[~predicted])


def test_replacement_shares_are_80_10_10():
    data = windows()
    masked = randomised = kept = 0
    for index in range(len(data)):
        item = data[index]
        predicted = item["targets"] != MLM_IGNORE_INDEX
        inputs, targets = item["input_ids"][predicted], item["targets"][predicted]
        is_mask = inputs == MASK_ID
        masked += int(is_mask.sum())
        kept += int((inputs == targets).sum())
        randomised += int(((inputs != targets) & ~is_mask).sum())
        assert (inputs[~is_mask] < 256).all(), "random replacements are bytes"
    total = masked + kept + randomised
    assert total == len(data) * 15
    # 3,000 predicted positions: binomial standard deviations of 0.7 and 0.55 points.
    assert masked / total == pytest.approx(0.8, abs=0.025)
    # A random byte equals the original 1 time in 256, so a few randomised positions count
    # as kept.
    assert randomised / total == pytest.approx(0.1, abs=0.02)
    assert kept / total == pytest.approx(0.1, abs=0.02)


def test_masking_is_fixed_per_window_and_seed():
    first, again, other_seed = windows(seed=3), windows(seed=3), windows(seed=4)
    for index in (0, 5, len(first) - 1):
        a, b = first[index], again[index]
        assert torch.equal(a["input_ids"], b["input_ids"])
        assert torch.equal(a["targets"], b["targets"])
    assert any(not torch.equal(first[i]["targets"], other_seed[i]["targets"]) for i in range(5))
    assert not torch.equal(first[0]["targets"], first[1]["targets"])


def test_apply_mlm_masking_draws_from_the_given_generator_only():
    ids = torch.arange(40) % 256
    torch.manual_seed(0)
    a = apply_mlm_masking(ids, MASK_ID, torch.Generator().manual_seed(9))
    torch.manual_seed(1)  # the global RNG plays no part
    b = apply_mlm_masking(ids, MASK_ID, torch.Generator().manual_seed(9))
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


def test_builder_splits_and_reports_the_mask_vocabulary():
    cfg = {"seq_len": 32, "synthetic_chars": 20_000}
    train, val, info = build_datasets("masked_lm", cfg, "synthetic", seed=0)
    assert info["task"] == "masked_lm"
    assert (info["vocab_size"], info["mask_id"], info["mask_prob"]) == (260, 259, 0.15)
    assert info["num_train"] == len(train) and info["num_val"] == len(val)
    text = make_synthetic_text(20_000, 0)
    assert info["num_train_tokens"] + info["num_val_tokens"] == len(text.encode("utf-8"))
    assert train[0]["input_ids"].shape == (32,) and val[0]["targets"].shape == (32,)
    # The two splits mask with different seeds.
    assert (train.seed, val.seed) == (0, 1)


def test_too_short_text_is_a_value_error():
    with pytest.raises(ValueError, match="cannot fill one window of seq_len 64"):
        MaskedTokenWindows(torch.zeros(10, dtype=torch.long), 64, MASK_ID, 0)
