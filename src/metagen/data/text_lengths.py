"""How many tokens a text dataset keeps per text: a high percentile of the training texts'
lengths, within the plan's seq_len, and a note saying how many texts that cuts and by how
much (printed by train.py, from the data's info)."""

import math
import sys

# The share of training texts that a chosen seq_len keeps whole; the longest few are cut
# rather than padding every batch to their length.
KEPT_WHOLE_PERCENT = 95
SEQ_LEN_MULTIPLE = 8  # a row length of whole 8s keeps the matrices friendly


def framed_lengths(texts: list[str], tokenizer) -> list[int]:
    """Each text's length in tokens as its tokenizer frames it, uncut."""
    return [len(tokenizer.encode_framed(text, sys.maxsize)) for text in texts]


def fitted_seq_len(lengths: list[int], cap: int) -> int:
    """The KEPT_WHOLE_PERCENT-th percentile of `lengths`, rounded up to SEQ_LEN_MULTIPLE,
    and at most `cap`."""
    ordered = sorted(lengths)
    at = math.ceil(len(ordered) * KEPT_WHOLE_PERCENT / 100) - 1
    wanted = SEQ_LEN_MULTIPLE * math.ceil(ordered[max(0, at)] / SEQ_LEN_MULTIPLE)
    return max(1, min(cap, wanted))


def truncation_note(
    lengths: list[int], seq_len: int, what: str, why: str, chunks: int = 1
) -> str | None:
    """A note on the texts longer than the model reads, `chunks` x `seq_len` tokens (None
    when every text fits): how many, and how many tokens they lose; `why` says where seq_len
    came from."""
    kept = chunks * seq_len
    cut = [length - kept for length in lengths if length > kept]
    if not cut:
        return None
    return (
        f"note: {len(cut):,} of {len(lengths):,} {what} ({len(cut) / len(lengths):.1%}) are "
        f"longer than {f'{chunks} chunks of ' if chunks > 1 else ''}seq_len {seq_len:,} tokens "
        "and lose their ends, "
        f"{sum(cut) / len(cut):,.0f} tokens on average and {max(cut):,} at most ({why})"
    )


def choose_seq_len(
    train: list[str], held_out: list[str], tokenizer, cap: int, chunks: int = 1
) -> tuple[int, list[str]]:
    """(seq_len, notes): the seq_len for these texts, chosen from the training texts'
    lengths, and a truncation note for each split that it cuts. A text read in `chunks`
    chunks of seq_len tokens keeps chunks x seq_len. The data's info carries the notes and
    train.py prints them, once: a rebuild of the same data (the report's) is quiet."""
    lengths = {
        "training texts": framed_lengths(train, tokenizer),
        "held-out texts": framed_lengths(held_out, tokenizer),
    }
    seq_len = fitted_seq_len([-(-n // chunks) for n in lengths["training texts"]], cap)
    if seq_len == cap:
        why = (
            f"the plan's most, {cap:,}: to keep more, raise seq_len in config.json's data, or "
            f"{'more ' if chunks > 1 else ''}data.chunks in the spec to read a text in chunks"
        )
    else:
        why = f"it keeps {KEPT_WHOLE_PERCENT}% of the training texts whole"
    notes = [truncation_note(n, seq_len, what, why, chunks) for what, n in lengths.items()]
    return seq_len, [note for note in notes if note is not None]
