"""Language-model data: byte tokens of synthetic or user text, in windows of seq_len + 1."""

from metagen.data.synthetic_text import unigram_entropy_nats
from metagen.data.text_data import TokenWindows, text_token_splits
from metagen.data.tokenizer import ByteTokenizer


def language_model_datasets(cfg: dict, source: str, seed: int):
    seq_len = int(cfg["seq_len"])
    tokenizer = ByteTokenizer()
    # Each split needs one window of seq_len + 1 tokens.
    train_ids, val_ids = text_token_splits(cfg, source, seed, tokenizer, seq_len + 2)
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
