"""Byte-level tokenizer: ids 0..255 are bytes, then bos, eos, pad.

Every text tokenizer offers what this one does: `encode`, `decode`, `encode_framed`, `frame`,
`vocab_size`, the special ids (None where it has none) and `special_ids`;
data/text_tokenizer.py has the one read from a tokenizer.json."""


class ByteTokenizer:
    """UTF-8 bytes as tokens; any text round-trips, no vocabulary file needed."""

    bos_id = 256
    eos_id = 257
    pad_id = 258
    mask_id: int | None = None
    special_ids: tuple[int, ...] = (256, 257, 258)
    vocab_size = 259
    name = "byte"

    def encode(self, text: str, add_bos: bool = False, add_eos: bool = False) -> list[int]:
        ids = list(text.encode("utf-8"))
        if add_bos:
            ids.insert(0, self.bos_id)
        if add_eos:
            ids.append(self.eos_id)
        return ids

    def encode_framed(self, text: str, max_len: int) -> list[int]:
        """One text on its own, as a classifier reads it: bos, then bytes, cut to max_len."""
        return self.encode(text, add_bos=True)[:max_len]

    def frame(self) -> tuple[list[int], list[int]]:
        """The ids put before and after one text in a window: none (a window of bytes)."""
        return [], []

    def decode(self, ids) -> str:
        """Skip specials and any id >= 256 (a model may have a larger vocab than the tokenizer)."""
        if hasattr(ids, "tolist"):
            ids = ids.tolist()
        data = bytes(i for i in ids if 0 <= i < 256)
        return data.decode("utf-8", errors="replace")


class MaskedByteTokenizer(ByteTokenizer):
    """The byte tokenizer plus a [MASK] id after the three specials, for masked LMs."""

    mask_id = 259
    special_ids = (256, 257, 258, 259)
    vocab_size = 260
