"""A Hugging Face tokenizer.json (GPT-2's byte-level BPE, BERT's WordPiece, Llama's) through
the `tokenizers` library, a byte-level BPE or a word vocabulary trained on the training text,
and where a run keeps them."""

import json
from pathlib import Path

TOKENIZER_FILE = "tokenizer.json"
# The added tokens that play each special role, by their text, the most common first.
SPECIAL_TOKENS = {
    "bos": ("<s>", "<|begin_of_text|>", "<|endoftext|>", "<bos>"),
    "eos": ("</s>", "<|end_of_text|>", "<|endoftext|>", "<eos>"),
    "pad": ("<pad>", "[PAD]", "<|pad|>"),
    "mask": ("<mask>", "[MASK]"),
    "cls": ("[CLS]",),
    "sep": ("[SEP]",),
}
# A trained BPE's specials, ids 0-3 (RoBERTa's names); the spec's minimum vocab counts them.
BPE_SPECIALS = ("<s>", "</s>", "<pad>", "<mask>")
# A word vocabulary's specials, ids 0-1: padding (also an empty text's one token) and the
# words it never saw.
WORD_SPECIALS = ("<pad>", "<unk>")
# A word seen fewer times than this in the training texts is <unk>. Every word counts, as in
# fastText (minCount 1): on a small set most topic words are seen once, and held-out texts
# share enough of them (handlers/tasks/task_encoders.py, WORD_BAG_TRAIN, has the measurement).
WORD_MIN_COUNT = 1


class JsonTokenizer:
    """The byte tokenizer's interface over a `tokenizers.Tokenizer`; a special id is None
    where the file has no such added token."""

    def __init__(self, tokenizer, name: str, source: str):
        self.tokenizer, self.name, self.source = tokenizer, name, source
        self.vocab_size = tokenizer.get_vocab_size(with_added_tokens=True)
        added = tokenizer.get_added_tokens_decoder().items()
        specials = {token.content: i for i, token in added if token.special}
        self.special_ids = tuple(sorted(specials.values()))
        found = {
            role: next((specials[t] for t in texts if t in specials), None)
            for role, texts in SPECIAL_TOKENS.items()
        }
        self.bos_id, self.eos_id, self.pad_id = found["bos"], found["eos"], found["pad"]
        self.mask_id, self.cls_id, self.sep_id = found["mask"], found["cls"], found["sep"]

    def encode(self, text: str, add_bos: bool = False, add_eos: bool = False) -> list[int]:
        ids = self.tokenizer.encode(text, add_special_tokens=False).ids
        if add_bos:
            ids.insert(0, special_id(self, "bos", "add_bos"))
        if add_eos:
            ids.append(special_id(self, "eos", "add_eos"))
        return ids

    def encode_framed(self, text: str, max_len: int) -> list[int]:
        """One text on its own, framed as the file says ([CLS] text [SEP] for BERT), cut to
        max_len with the frame kept; never empty (a lone bos), so a row attends to something."""
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        encoding.truncate(max(0, max_len - self.tokenizer.num_special_tokens_to_add(False)))
        ids = self.tokenizer.post_process(encoding).ids[:max_len]
        return ids or [self.bos_id if self.bos_id is not None else 0]

    def frame(self) -> tuple[list[int], list[int]]:
        """The ids the file's post-processor puts before and after one text: ([CLS], [SEP])
        for BERT's, ([bos], []) for Llama's, none for GPT-2's."""
        encoding = self.tokenizer.encode("a", add_special_tokens=True)
        marks = encoding.special_tokens_mask
        lead = next((i for i, mark in enumerate(marks) if not mark), len(marks))
        tail = next((i for i, mark in enumerate(reversed(marks)) if not mark), 0)
        return encoding.ids[:lead], encoding.ids[len(marks) - tail :]

    def decode(self, ids) -> str:
        """Skip specials and ids past the tokenizer's (a model may have a larger vocab)."""
        if hasattr(ids, "tolist"):
            ids = ids.tolist()
        kept = [i for i in ids if 0 <= i < self.vocab_size]
        return self.tokenizer.decode(kept, skip_special_tokens=True)

    def save(self, path) -> None:
        """Write the tokenizer.json whole or not at all."""
        path = Path(path)
        partial = path.with_name(path.name + ".partial")
        self.tokenizer.save(str(partial))
        partial.replace(path)


def special_id(tokenizer, role: str, needed_by: str) -> int:
    """The id of a special token a task needs, or a ValueError naming what is missing."""
    found = getattr(tokenizer, f"{role}_id", None)
    if found is None:
        source = getattr(tokenizer, "source", f"the {tokenizer.name} tokenizer")
        raise ValueError(
            f"{source} has no {role} token (an added special token such as "
            f"{' or '.join(SPECIAL_TOKENS[role])}), which {needed_by} needs; use a "
            "tokenizer.json that has one."
        )
    return found


def load_tokenizer_file(path) -> JsonTokenizer:
    """A tokenizer.json; a missing or unreadable file is an error naming it."""
    from tokenizers import Tokenizer

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"tokenizer file {path} does not exist; pass a tokenizer.json.")
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as error:  # tokenizers raises a bare Exception for a bad file
        raise ValueError(
            f"{path} is not a tokenizer.json that the tokenizers library reads ({error}); pass "
            "a Hugging Face tokenizer.json, such as a checkpoint's."
        ) from None
    return JsonTokenizer(tokenizer, type(tokenizer.model).__name__.lower(), str(path))


def train_bpe(texts: list[str], vocab_size: int) -> JsonTokenizer:
    """A byte-level BPE (GPT-2's pre-tokenizer) of at most `vocab_size` ids, BPE_SPECIALS
    first; the same texts give the same tokenizer. A framed text starts with <s>."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(BPE_SPECIALS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{BPE_SPECIALS[0]} $A", special_tokens=[(BPE_SPECIALS[0], 0)]
    )
    return JsonTokenizer(tokenizer, "bpe", "the trained BPE")


def train_words(texts: list[str], vocab_size: int) -> JsonTokenizer:
    """A word vocabulary of at most `vocab_size` ids, WORD_SPECIALS first, then the words
    seen at least WORD_MIN_COUNT times, most frequent first. Texts are NFKC-normalized and
    lowercased, and split into runs of letters and digits and runs of punctuation."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.WordLevel(unk_token=WORD_SPECIALS[1]))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.decoder = decoders.WordPiece()  # joins words with spaces
    trainer = trainers.WordLevelTrainer(
        vocab_size=vocab_size,
        min_frequency=WORD_MIN_COUNT,
        special_tokens=list(WORD_SPECIALS),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    return JsonTokenizer(tokenizer, "word", "the trained word vocabulary")


def text_tokenizer(cfg: dict, training_texts: list[str], default):
    """The tokenizer a text dataset reads with: cfg["tokenizer_file"] (given to train.py, or
    the one a run saved), else a BPE ("bpe") or a word vocabulary ("word") of at most
    cfg["vocab_size"] ids trained on `training_texts` (the training split only), as
    cfg["tokenizer"] says, else `default`."""
    if cfg.get("tokenizer_file"):
        return load_tokenizer_file(cfg["tokenizer_file"])
    if cfg.get("tokenizer") == "bpe":
        return train_bpe(training_texts, int(cfg["vocab_size"]))
    if cfg.get("tokenizer") == "word":
        return train_words(training_texts, int(cfg["vocab_size"]))
    return default


def tokenizer_info(tokenizer) -> dict:
    """data_info's tokenizer entries; "text_tokenizer" (the object) is for train.py to save."""
    info = {"tokenizer": tokenizer.name, "vocab_size": tokenizer.vocab_size}
    if isinstance(tokenizer, JsonTokenizer):
        info.update(tokenizer_file=TOKENIZER_FILE, text_tokenizer=tokenizer)
    return info


def with_training_tokenizer(
    data_cfg: dict, given, saved: Path | None, imported: Path | None
) -> dict:
    """The data config naming the tokenizer.json a training run reads: --tokenizer, else the
    one the run saved (on --resume), else the run directory's weights/tokenizer.json (written
    by `metagen import`); none of them: the config's own (byte, or a BPE to train)."""
    found = given or next((p for p in (saved, imported) if p and p.is_file()), None)
    return {**data_cfg, "tokenizer_file": str(found) if found else None}


def saved_tokenizer_file(checkpoint: Path) -> str | None:
    """The tokenizer.json a trained run read its text with, as its data_info.json names it
    (None: the byte tokenizer)."""
    info = json.loads((Path(checkpoint) / "data_info.json").read_text(encoding="utf-8"))
    return str(Path(checkpoint) / info["tokenizer_file"]) if info.get("tokenizer_file") else None


def saved_text_tokenizer(checkpoint: Path, default):
    """The tokenizer a trained run read its text with: its tokenizer.json, or `default`."""
    path = saved_tokenizer_file(checkpoint)
    return load_tokenizer_file(path) if path else default


def save_text_tokenizer(info: dict, out: Path) -> None:
    """Write the data's tokenizer.json into `out`, beside the checkpoints, and take the object
    out of the info, which becomes data_info.json."""
    tokenizer = info.pop("text_tokenizer", None)
    if tokenizer is not None:
        out.mkdir(parents=True, exist_ok=True)
        tokenizer.save(out / TOKENIZER_FILE)
