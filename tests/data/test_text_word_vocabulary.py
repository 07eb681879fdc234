"""The word vocabulary a fastText classifier reads with: trained on the training split only
(a word only the held-out texts hold is <unk>), lowercased, every word seen (fastText's
minCount 1), the most frequent first within vocab_size ids; saved and read back as a
tokenizer.json; the model's rows fitted to it."""

from __future__ import annotations

import json
from collections import Counter

from metagen.data.text_records import text_classification_datasets
from metagen.data.text_tokenizer import WORD_SPECIALS, load_tokenizer_file, train_words

TEXTS = ["The cat sat.", "the CAT ran, fast!", "a dog sat", "A dog ran"]


def test_the_vocabulary_holds_every_word_seen_most_frequent_first() -> None:
    tokenizer = train_words(TEXTS, 100)
    vocab = tokenizer.tokenizer.get_vocab()
    words = Counter(w for t in TEXTS for w in t.lower().replace(".", " . ").replace(",", " , ")
                    .replace("!", " ! ").split())  # fmt: skip
    assert set(vocab) == set(WORD_SPECIALS) | set(words)
    twice = {w for w, n in words.items() if n >= 2}
    assert max(vocab[w] for w in twice) < min(vocab[w] for w in set(words) - twice)
    assert [vocab[s] for s in WORD_SPECIALS] == [0, 1]
    assert tokenizer.pad_id == 0 and tokenizer.bos_id is None
    unk = vocab["<unk>"]
    assert tokenizer.encode("THE cat flew") == [vocab["the"], vocab["cat"], unk]  # never seen
    assert tokenizer.encode_framed("", 8) == [0]  # an empty text: one padding token


def test_vocab_size_caps_the_vocabulary() -> None:
    assert train_words(TEXTS, 4).vocab_size == 4


def test_a_saved_vocabulary_reads_back_the_same(tmp_path) -> None:
    tokenizer = train_words(TEXTS, 100)
    tokenizer.save(tmp_path / "tokenizer.json")
    again = load_tokenizer_file(tmp_path / "tokenizer.json")
    assert again.encode("A cat ran, a dog sat.") == tokenizer.encode("A cat ran, a dog sat.")


def test_held_out_words_never_enter_the_vocabulary(tmp_path) -> None:
    train = [{"text": f"apple banana {i}", "label": "fruit"} for i in range(6)]
    train += [{"text": f"carrot potato {i + 10}", "label": "root"} for i in range(6)]
    held_out = [{"text": "zucchini zucchini apple", "label": "fruit"},
                {"text": "zucchini carrot", "label": "root"}]  # fmt: skip
    (tmp_path / "train.jsonl").write_text("\n".join(map(json.dumps, train)), encoding="utf-8")
    (tmp_path / "val.jsonl").write_text("\n".join(map(json.dumps, held_out)), encoding="utf-8")
    cfg = {"kind": "text", "seq_len": 64, "val_fraction": 0.1, "tokenizer": "word",
           "vocab_size": 1000}  # fmt: skip
    _, val, info = text_classification_datasets(cfg, str(tmp_path), 0)
    tokenizer = info["text_tokenizer"]
    assert "zucchini" not in tokenizer.tokenizer.get_vocab()
    assert val[0]["input_ids"][:2].tolist() == [1, 1]  # <unk> <unk>
    # apple banana carrot potato, and the 12 numbers, each seen once
    assert info["vocab_size"] == len(WORD_SPECIALS) + 4 + 12
    assert info["fit_dims"] == {"num_outputs": 2, "vocab_size": info["vocab_size"]}
