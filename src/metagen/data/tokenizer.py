"""Byte-level tokenizer: ids 0..255 are bytes, then bos, eos, pad."""


class ByteTokenizer:
    """UTF-8 bytes as tokens; any text round-trips, no vocabulary file needed."""

    bos_id = 256
    eos_id = 257
    pad_id = 258
    vocab_size = 259
    name = "byte"

    def encode(self, text: str, add_bos: bool = False, add_eos: bool = False) -> list[int]:
        ids = list(text.encode("utf-8"))
        if add_bos:
            ids.insert(0, self.bos_id)
        if add_eos:
            ids.append(self.eos_id)
        return ids

    def decode(self, ids) -> str:
        """Skip specials and any id >= 256 (a model may have a larger vocab than the tokenizer)."""
        if hasattr(ids, "tolist"):
            ids = ids.tolist()
        data = bytes(i for i in ids if 0 <= i < 256)
        return data.decode("utf-8", errors="replace")


class MaskedByteTokenizer(ByteTokenizer):
    """The byte tokenizer plus a [MASK] id after the three specials, for masked LMs."""

    mask_id = 259
    vocab_size = 260
