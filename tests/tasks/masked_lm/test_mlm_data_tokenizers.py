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
    # the trained BPE's post-processor puts <s> before a text: each window starts with it
    assert tokenizer.frame() == ([tokenizer.bos_id], [])
    assert (val[0]["input_ids"][0], val[0]["targets"][0]) == (tokenizer.bos_id, MLM_IGNORE_INDEX)
    original = val.tokens[: val.content_len]  # window 0's text before masking
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


def _bert_wordpiece(folder) -> str:
    """A BERT WordPiece tokenizer.json ([CLS] text [SEP] post-processor, [MASK]) trained on
    synthetic text."""
    from tokenizers import BertWordPieceTokenizer, processors

    from metagen.data.synthetic_text import make_synthetic_text

    made = BertWordPieceTokenizer()
    made.train_from_iterator(make_synthetic_text(20_000, 0).splitlines(), vocab_size=400)
    # a trained one has no post-processor yet; BERT's files frame each text so
    cls, sep = made.token_to_id("[CLS]"), made.token_to_id("[SEP]")
    made.post_processor = processors.BertProcessing(("[SEP]", sep), ("[CLS]", cls))
    made.save(str(folder / "tokenizer.json"))
    return str(folder / "tokenizer.json")


def test_bert_windows_are_framed_by_cls_and_sep_which_are_never_masked(tmp_path):
    cfg = {**CFG, "tokenizer": "byte", "tokenizer_file": _bert_wordpiece(tmp_path)}
    train, val, info = build_masked_lm_datasets(cfg, "synthetic", 0)
    tokenizer = info.pop("text_tokenizer")
    assert tokenizer.frame() == ([tokenizer.cls_id], [tokenizer.sep_id])
    for data in (train, val):
        for index in (0, len(data) - 1):
            window = data[index]
            assert all(len(window[key]) == 32 for key in ("input_ids", "targets", "target_bytes"))
            assert window["input_ids"][0] == tokenizer.cls_id
            assert window["input_ids"][-1] == tokenizer.sep_id
            ends = window["targets"][[0, -1]]
            assert (ends == MLM_IGNORE_INDEX).all() and (window["target_bytes"][[0, -1]] == 0).all()
            chosen = window["targets"] != MLM_IGNORE_INDEX
            assert chosen.sum() == round(0.15 * 30)  # of the 30 text tokens, none of the frame
    # consecutive windows read consecutive text: 30 tokens each, none skipped
    content = torch.cat([train[i]["targets"][1:-1] for i in range(2)])
    originals = train.tokens[:60]
    chosen = content != MLM_IGNORE_INDEX
    assert torch.equal(content[chosen], originals[chosen])


def test_byte_windows_have_no_frame():
    assert MaskedByteTokenizer().frame() == ([], [])
    data = MaskedTokenWindows(torch.arange(100) % 256, 10, 259, 0)
    assert data.content_len == 10 and len(data) == 10


def test_training_windows_come_in_ten_maskings_and_held_out_ones_in_one():
    train, val, info = build_masked_lm_datasets(CFG, "synthetic", 0)
    windows = train.num_windows
    assert len(train) == 10 * windows == info["num_train"] and info["train_maskings"] == 10
    assert len(val) == val.num_windows
    first, again = train[3], train[3 + windows]  # window 3, first and second masking
    blanks = first["targets"] != MLM_IGNORE_INDEX
    text = torch.where(blanks, first["targets"], first["input_ids"])  # the window unmasked
    chosen = again["targets"] != MLM_IGNORE_INDEX
    assert not torch.equal(blanks, chosen)  # other blanks
    assert torch.equal(again["targets"][chosen], text[chosen])  # in the same text
    assert torch.equal(train[3]["input_ids"], first["input_ids"])  # fixed per item
