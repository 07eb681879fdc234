"""Language-model data: byte tokens of synthetic or user text, in windows of seq_len + 1."""

import math

from metagen.data.synthetic_text import make_synthetic_text, unigram_entropy_nats
from metagen.data.text_data import TokenWindows, read_text_source, split_tokens
from metagen.data.tokenizer import ByteTokenizer


def language_model_datasets(cfg: dict, source: str, seed: int):
    seq_len, val_fraction = int(cfg["seq_len"]), float(cfg["val_fraction"])
    tokenizer = ByteTokenizer()
    if source == "synthetic":
        text = make_synthetic_text(int(cfg["synthetic_chars"]), seed)
    else:
        # Each split needs one window of seq_len + 1 tokens.
        min_chars = math.ceil((seq_len + 2) / min(val_fraction, 1.0 - val_fraction))
        text = read_text_source(source, min_chars=min_chars)
    train_ids, val_ids = split_tokens(tokenizer.encode(text), val_fraction)
    train = TokenWindows(train_ids, seq_len, stride=cfg["stride"])
    val = TokenWindows(val_ids, seq_len)
    info = {
        "task": "language_modeling",
        "source": source,
        "tokenizer": tokenizer.name,
        "vocab_size": tokenizer.vocab_size,
        "seq_len": seq_len,
        "num_train_tokens": len(train_ids),
        "num_val_tokens": len(val_ids),
        "num_train": len(train),
        "num_val": len(val),
        "unigram_entropy_nats": unigram_entropy_nats(val_ids),
    }
    return train, val, info
