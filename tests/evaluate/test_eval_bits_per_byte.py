"""Bits per byte divide a model's loss by the UTF-8 bytes its evaluated tokens cover, so that
models with different tokenizers compare: checked against a hand computation over a BPE."""

from __future__ import annotations

import math

import torch
from torch.utils.data import DataLoader

from metagen.data.text_data import TokenWindows, encode_with_bytes
from metagen.data.text_tokenizer import train_bpe
from metagen.evaluate.lm_eval import evaluate_language_model
from metagen.tasks.masked_lm.data import MLM_IGNORE_INDEX, MaskedTokenWindows
from metagen.tasks.masked_lm.evaluate import evaluate_masked_lm

torch.set_num_threads(1)

TEXT = (
    "the quick brown fox jumps over the lazy dog; naïve cafés serve 数据 and 🚀 to the dog.\n"
) * 12


class BigramTable(torch.nn.Module):
    """Logits that depend on the input token only: a fixed random table, row per token."""

    def __init__(self, vocab: int):
        super().__init__()
        self.table = torch.randn(vocab, vocab, generator=torch.Generator().manual_seed(0))

    def forward(self, input_ids):
        return self.table[input_ids]  # (B, T, V)


def gpt2_byte_decoder() -> dict[str, int]:
    """GPT-2's bytes_to_unicode (Radford et al., encoder.py), inverted: the character that
    stands for each byte in a byte-level token."""
    kept = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    kept += range(ord("®"), ord("ÿ") + 1)
    chars, extra = list(kept), 0
    for b in range(256):
        if b not in kept:
            kept.append(b)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(kept, chars, strict=True)}


def _nats(table: torch.Tensor, given: int, target: int) -> float:
    """-log softmax(table[given])[target], in plain Python floats."""
    row = table[given].tolist()
    top = max(row)
    return -(row[target] - top - math.log(sum(math.exp(v - top) for v in row)))


def test_language_model_bits_per_byte_by_hand():
    tokenizer = train_bpe(TEXT.splitlines(keepends=True), 320)
    ids, counts = encode_with_bytes(tokenizer, TEXT)
    data = TokenWindows(ids, seq_len=16, token_bytes=counts)
    model = BigramTable(tokenizer.vocab_size)
    results = evaluate_language_model(model, DataLoader(data, batch_size=4), "cpu")
    # each token's own bytes, from its characters in GPT-2's byte alphabet
    to_byte = gpt2_byte_decoder()
    token_bytes = [bytes(to_byte[c] for c in tokenizer.tokenizer.id_to_token(i)) for i in ids]
    assert b"".join(token_bytes) == TEXT.encode("utf-8")
    nats, text_bytes, tokens = 0.0, 0, 0
    for index in range(len(data)):
        start = index * 16
        window = ids[start : start + 17].tolist()
        nats += sum(_nats(model.table, a, b) for a, b in zip(window, window[1:], strict=False))
        text_bytes += sum(len(b) for b in token_bytes[start + 1 : start + 17])
        tokens += 16
    assert results["num_tokens"] == tokens and results["num_bytes"] == text_bytes
    assert text_bytes > 1.5 * tokens  # subword tokens: more than one byte each
    assert math.isclose(results["loss"], nats / tokens, rel_tol=1e-5)
    assert math.isclose(results["bits_per_byte"], nats / math.log(2) / text_bytes, rel_tol=1e-5)


def test_byte_windows_count_one_byte_per_token():
    ids = torch.tensor(list(TEXT.encode("utf-8")))
    data = TokenWindows(ids, seq_len=16)
    results = evaluate_language_model(BigramTable(259), DataLoader(data, batch_size=8), "cpu")
    assert results["num_bytes"] == results["num_tokens"]
    assert math.isclose(results["bits_per_byte"], results["loss"] / math.log(2), rel_tol=1e-9)


def test_masked_lm_bits_per_byte_counts_the_masked_tokens_bytes():
    ascii_text = TEXT.encode("ascii", errors="ignore").decode()
    tokenizer = train_bpe([ascii_text], 320)
    ids, counts = encode_with_bytes(tokenizer, ascii_text)
    data = MaskedTokenWindows(ids, 24, tokenizer.mask_id, seed=0, token_bytes=counts)
    model = BigramTable(tokenizer.vocab_size)
    results = evaluate_masked_lm(model, DataLoader(data, batch_size=4), "cpu")
    nats, masked_bytes, masked = 0.0, 0, 0
    for index in range(len(data)):
        window = data[index]
        for given, target in zip(window["input_ids"], window["targets"], strict=True):
            if target != MLM_IGNORE_INDEX:
                nats += _nats(model.table, int(given), int(target))
                masked_bytes += len(tokenizer.decode([int(target)]).encode("utf-8"))
                masked += 1
    assert results["num_masked_tokens"] == masked and results["num_masked_bytes"] == masked_bytes
    assert math.isclose(results["bits_per_byte"], nats / math.log(2) / masked_bytes, rel_tol=1e-5)
