"""Masked-LM windows read by a tokenizer.json: its mask token, random replacements that are
never specials, the bytes of each token for bits per byte; a tokenizer without a mask token
is refused by name."""

from __future__ import annotations

import pytest
import torch

from metagen.data.tokenizer import MaskedByteTokenizer
from metagen.tasks.masked_lm.data import (
    MLM_IGNORE_INDEX,
    MaskedTokenWindows,
    apply_mlm_masking,
    build_masked_lm_datasets,
    replacement_ids,
)

CFG = {"val_fraction": 0.1, "stride": None, "synthetic_chars": 20_000, "seq_len": 32}


def test_byte_replacements_are_the_256_bytes_as_before():
    assert torch.equal(replacement_ids(MaskedByteTokenizer()), torch.arange(256))
    ids = torch.randint(256, (200,), generator=torch.Generator().manual_seed(0))
    before = apply_mlm_masking(ids, 259, torch.Generator().manual_seed(3))
    pool = replacement_ids(MaskedByteTokenizer())
    now = apply_mlm_masking(ids, 259, torch.Generator().manual_seed(3), random_ids=pool)
    assert all(torch.equal(a, b) for a, b in zip(before, now, strict=True))


def test_bpe_windows_mask_with_its_mask_token_and_never_draw_a_special():
    cfg = {**CFG, "tokenizer": "bpe", "vocab_size": 400}
    train, val, info = build_masked_lm_datasets(cfg, "synthetic", 0)
    tokenizer = info.pop("text_tokenizer")
    assert info["mask_id"] == tokenizer.mask_id == 3 and info["tokenizer"] == "bpe"
    specials = set(tokenizer.special_ids)
    for index in range(len(train)):
        window = train[index]
        chosen = window["targets"] != MLM_IGNORE_INDEX
        replaced = window["input_ids"][chosen]
        kept_or_random = replaced[replaced != tokenizer.mask_id]
        assert not specials & set(kept_or_random.tolist())
    original = val.tokens[: val.seq_len]  # window 0 before masking
    assert int(val[0]["target_bytes"].sum()) == len(tokenizer.decode(original).encode())


def test_a_tokenizer_without_a_mask_token_is_refused(tmp_path):
    from tokenizers import Tokenizer, models, pre_tokenizers

    gpt2_like = Tokenizer(models.BPE())
    gpt2_like.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    gpt2_like.add_tokens(list(pre_tokenizers.ByteLevel.alphabet()))
    gpt2_like.add_special_tokens(["<|endoftext|>"])
    gpt2_like.save(str(tmp_path / "tokenizer.json"))
    cfg = {**CFG, "tokenizer": "byte", "tokenizer_file": str(tmp_path / "tokenizer.json")}
    with pytest.raises(ValueError, match=r"has no mask token .*a masked language model needs"):
        build_masked_lm_datasets(cfg, "synthetic", 0)


def test_windows_without_byte_counts_keep_their_keys():
    data = MaskedTokenWindows(torch.arange(100) % 256, 10, 259, 0)
    assert set(data[0]) == {"input_ids", "targets"}
