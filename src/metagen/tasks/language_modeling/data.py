"""Language-model data: tokens of synthetic or user text, in windows of seq_len + 1."""

from metagen.data.synthetic_text import unigram_entropy_nats
from metagen.data.text_data import TokenWindows, tokenized_text_splits
from metagen.data.text_tokenizer import tokenizer_info
from metagen.data.tokenizer import ByteTokenizer


def language_model_datasets(cfg: dict, source: str, seed: int):
    seq_len = int(cfg["seq_len"])
    # Each split needs one window of seq_len + 1 tokens.
    tokenizer, (train_ids, train_bytes), (val_ids, val_bytes) = tokenized_text_splits(
        cfg, source, seed, ByteTokenizer(), seq_len + 2
    )
    train = TokenWindows(train_ids, seq_len, stride=cfg["stride"], token_bytes=train_bytes)
    val = TokenWindows(val_ids, seq_len, token_bytes=val_bytes)
    info = {
        "task": "language_modeling",
        "source": source,
        **tokenizer_info(tokenizer),
        "seq_len": seq_len,
        "num_train_tokens": len(train_ids),
        "num_val_tokens": len(val_ids),
        "num_train": len(train),
        "num_val": len(val),
        "unigram_entropy_nats": unigram_entropy_nats(val_ids),
    }
    return train, val, info
