"""Masked-language-model data: BERT's masking of 15% of the tokens, fixed per window."""

import torch
from torch.utils.data import Dataset

from metagen.data.synthetic_text import unigram_entropy_nats
from metagen.data.text_data import tokenized_text_splits
from metagen.data.text_tokenizer import special_id, tokenizer_info
from metagen.data.tokenizer import MaskedByteTokenizer

MLM_IGNORE_INDEX = -100  # targets at positions the loss skips (F.cross_entropy's default)
MLM_MASK_PROB = 0.15
# Of the chosen positions, 80% become [MASK], 10% a random token and 10% stay (Devlin et al.).
MLM_MASK_SHARE, MLM_RANDOM_SHARE = 0.8, 0.1
# Each training window is read in this many maskings (RoBERTa duplicated its data 10 times,
# each copy masked differently): with one fixed masking a model memorizes the blanks of a
# small corpus within a few epochs and its held-out loss climbs.
MLM_TRAIN_MASKINGS = 10


def replacement_ids(tokenizer) -> torch.Tensor:
    """The ids a random replacement draws from: every id but the specials (the byte
    tokenizer's 256 bytes)."""
    keep = torch.ones(tokenizer.vocab_size, dtype=torch.bool)
    keep[list(tokenizer.special_ids)] = False
    return keep.nonzero().flatten()


def apply_mlm_masking(
    ids: torch.Tensor,
    mask_id: int,
    generator: torch.Generator,
    mask_prob: float = MLM_MASK_PROB,
    random_ids: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(masked ids, targets) for ids (T,): round(mask_prob * T) positions, at least one, are
    chosen; targets hold the original id there and MLM_IGNORE_INDEX elsewhere. Random
    replacements come from `random_ids` (default: the 256 byte ids)."""
    n = max(1, round(mask_prob * ids.numel()))
    positions = torch.randperm(ids.numel(), generator=generator)[:n]  # (n,)
    targets = torch.full_like(ids, MLM_IGNORE_INDEX)
    targets[positions] = ids[positions]
    roll = torch.rand(n, generator=generator)  # (n,)
    to_random = positions[(roll >= MLM_MASK_SHARE) & (roll < MLM_MASK_SHARE + MLM_RANDOM_SHARE)]
    masked = ids.clone()
    masked[positions[roll < MLM_MASK_SHARE]] = mask_id
    pool = torch.arange(256) if random_ids is None else random_ids
    masked[to_random] = pool[torch.randint(len(pool), (to_random.numel(),), generator=generator)]
    return masked, targets


def mlm_window_seed(seed: int, index: int) -> int:
    """A 32-bit seed per (seed, window): torch's CPU generator reads only the low 32 bits, so
    seeds are spread by a prime that keeps two runs' windows apart up to 2**31 windows."""
    return (seed * 2_147_483_647 + index) % 2**32


class MaskedTokenWindows(Dataset):
    """Windows of `seq_len` tokens, masked BERT-style; window i is masked the same way every
    time it is read (its generator is seeded by (seed, i)); with `maskings` above 1 the
    dataset holds each window that many times, item i being window i % windows in masking
    i // windows. `frame` holds the ids a
    tokenizer puts around one text ([CLS] and [SEP] for BERT's): each window is framed by
    them, as the model was pretrained, and they are never masked. With `token_bytes` (the
    UTF-8 bytes each token covers) a window also carries them, for bits per byte."""

    def __init__(
        self,
        tokens,
        seq_len: int,
        mask_id: int,
        seed: int,
        stride: int | None = None,
        random_ids: torch.Tensor | None = None,
        token_bytes: torch.Tensor | None = None,
        frame: tuple[list[int], list[int]] = ([], []),
        maskings: int = 1,
    ):
        self.tokens = torch.as_tensor(tokens, dtype=torch.long).flatten()
        self.random_ids, self.token_bytes = random_ids, token_bytes
        self.prefix = torch.tensor(frame[0], dtype=torch.long)
        self.suffix = torch.tensor(frame[1], dtype=torch.long)
        self.seq_len = seq_len
        self.content_len = seq_len - len(self.prefix) - len(self.suffix)  # text per window
        self.stride = stride or self.content_len
        self.mask_id = mask_id
        self.seed = seed
        self.maskings = maskings
        if maskings < 1:
            raise ValueError(f"maskings ({maskings}) must be at least 1")
        if self.content_len <= 0 or self.stride <= 0:
            raise ValueError(
                f"seq_len ({seq_len}) must exceed the tokenizer's {seq_len - self.content_len} "
                f"framing tokens, and stride ({stride}) must be positive"
            )
        if len(self.tokens) < self.content_len:
            raise ValueError(
                f"{len(self.tokens)} tokens cannot fill one window of seq_len {seq_len}; add "
                "more text or lower data.seq_len."
            )

    @property
    def num_windows(self) -> int:
        return (len(self.tokens) - self.content_len) // self.stride + 1

    def __len__(self) -> int:
        return self.num_windows * self.maskings

    def _framed(self, content: torch.Tensor, fill: int | None) -> torch.Tensor:
        """content (T,) between the frame's positions, which hold `fill` (the frame's own
        ids where fill is None)."""
        prefix, suffix = self.prefix, self.suffix
        if fill is not None:
            prefix, suffix = torch.full_like(prefix, fill), torch.full_like(suffix, fill)
        return torch.cat((prefix.to(content.dtype), content, suffix.to(content.dtype)))

    def __getitem__(self, index: int) -> dict:
        if not 0 <= index < len(self):
            raise IndexError(f"window {index} out of range for {len(self)} windows")
        start = (index % self.num_windows) * self.stride
        window = self.tokens[start : start + self.content_len]
        generator = torch.Generator().manual_seed(mlm_window_seed(self.seed, index))
        masked, targets = apply_mlm_masking(
            window, self.mask_id, generator, random_ids=self.random_ids
        )
        item = {
            "input_ids": self._framed(masked, None),
            "targets": self._framed(targets, MLM_IGNORE_INDEX),
        }
        if self.token_bytes is not None:  # the frame covers no bytes of the text
            item["target_bytes"] = self._framed(
                self.token_bytes[start : start + self.content_len], 0
            )
        return item


def build_masked_lm_datasets(cfg: dict, source: str, seed: int):
    """(train, val, info) of masked windows from synthetic text or a text file/folder."""
    seq_len = int(cfg["seq_len"])
    tokenizer, (train_ids, train_bytes), (val_ids, val_bytes) = tokenized_text_splits(
        cfg, source, seed, MaskedByteTokenizer(), seq_len + 1
    )
    mask_id = special_id(tokenizer, "mask", "a masked language model")
    random_ids = replacement_ids(tokenizer)
    frame = tokenizer.frame()
    # Separate masking seeds per split, as the image data uses separate drawing seeds.
    train = MaskedTokenWindows(
        train_ids,
        seq_len,
        mask_id,
        2 * seed,
        cfg["stride"],
        random_ids,
        train_bytes,
        frame,
        MLM_TRAIN_MASKINGS,
    )
    val = MaskedTokenWindows(
        val_ids, seq_len, mask_id, 2 * seed + 1, None, random_ids, val_bytes, frame
    )
    info = {
        "task": "masked_lm",
        "source": source,
        **tokenizer_info(tokenizer),
        "mask_id": mask_id,
        "mask_prob": MLM_MASK_PROB,
        "seq_len": seq_len,
        "num_train_tokens": len(train_ids),
        "num_val_tokens": len(val_ids),
        "num_train": len(train),  # windows times their maskings
        "num_train_windows": train.num_windows,
        "train_maskings": MLM_TRAIN_MASKINGS,
        "num_val": len(val),
        "unigram_entropy_nats": unigram_entropy_nats(val_ids),
    }
    return train, val, info
