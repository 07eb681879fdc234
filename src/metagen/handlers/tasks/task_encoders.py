"""The models that task handlers build themselves for one tabular, text or time-series input:
a residual MLP over standardized features (family mlp), a bidirectional transformer encoder
with a pooled head (family transformer), a fastText bag of word and bigram embeddings (text,
family mlp), a residual 1-D CNN (family cnn). The task decides what the head outputs
(classes, values, an embedding, a score); the encoder is the same."""

from __future__ import annotations

from collections.abc import Callable

from metagen.archs.fasttext.shapes import SMOKE_VOCAB
from metagen.archs.series_cnn.shapes import SMOKE_SERIES_LENGTH
from metagen.blueprint.catalog import get_variant
from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.text import BYTE_VOCAB_PADDED, plan_bpe
from metagen.handlers.planned import FAMILIES, not_built
from metagen.handlers.tasks.text_set_size import LARGE_TEXT_SET, training_text_count
from metagen.spec import Spec
from metagen.spec.vocab import ACCELERATOR_DEVICES

# (input, family) -> arch; the first family listed per input is its default.
ENCODER_ARCHS = {
    ("tabular", "mlp"): "tabular_mlp",
    ("text", "transformer"): "text_encoder",
    ("text", "mlp"): "fasttext",
    ("time_series", "cnn"): "series_cnn",
}
ENCODER_INPUTS = ("tabular", "text", "time_series")
DEFAULT_FAMILY = {"tabular": "mlp", "text": "transformer", "time_series": "cnn"}
# A task's own default over DEFAULT_FAMILY: labelled texts are few (thousands), and a
# transformer trained on them from scratch barely beats the majority class, where a bag of
# words comes within a few points of TF-IDF with a linear SVM (issue 17).
TASK_DEFAULT_FAMILY = {("classification", "text"): "mlp"}
# Archs built for some tasks only (the rest: every task here).
ENCODER_TASKS = {"fasttext": ("classification",)}
DATA_KIND = {"tabular": "tabular", "text": "text", "time_series": "series"}

DEFAULT_NUM_FEATURES = 16  # the built-in synthetic rows
DEFAULT_SERIES_LENGTH = 128
DEFAULT_TEXT_CONTEXT = 512  # BERT's position table
MAX_TEXT_TRAIN_SEQ_LEN = 128  # sentence tasks rarely need more (GLUE fine-tunes at 128)
SMOKE_TEXT_SEQ_LEN = 64
# A bag of words reads whole documents: seq_len is chosen from the data's lengths, up to this
# many words (a news article of ~2,300 characters is ~400; a bag costs little per word).
MAX_WORD_SEQ_LEN = 4096
SMOKE_WORD_SEQ_LEN = 1024
WORD_VOCAB = 32_768  # the word vocabulary trained on the data's training split, at most
# A bag of embeddings learns at a high rate, in small batches; its passes follow the set's
# size as every task's do (train.py: ~30,000 samples seen, 10 passes at least), and the best
# evaluation's weights are kept. Measured on Debian fortunes (a test fifth held out, 3 seeds):
# on 834 texts of five topics (law, food, startrek, education, drugs), fastText's 5 passes
# over words seen twice reached 0.67 held-out accuracy; every word (WORD_MIN_COUNT) and the
# size's 40 passes, 0.78, as TF-IDF + LinearSVC. On 2,415 texts of the five topics the tests
# use, both 0.66.
WORD_BAG_TRAIN = {"batch_size": 32, "lr": 1e-2, "weight_decay": 0.0}
SERIES_KERNEL = 5

_ENCODER_ROLES = {
    "tabular_mlp": [
        ("stem", "Input: linear projection of the standardized numeric features"),
        ("blocks", "Residual MLP blocks: LayerNorm, then a GELU MLP, added back"),
        ("final_norm", "LayerNorm on the row's features"),
    ],
    "text_encoder": [
        ("embeddings", "Embedding: byte tokens, learned positions and token types, LayerNorm"),
        ("blocks", "Encoder: post-norm transformer layers with bidirectional multi-head attention"),
    ],
    "fasttext": [
        ("token_embedding", "Embedding: a row (features, a pooling score) per vocabulary word"),
        ("ngram_embedding", "Hashed word-bigram rows; the text's score-weighted mean of its rows"),
    ],
    "series_cnn": [
        ("stem", "Input: 1-D convolution over time with BatchNorm and ReLU"),
        ("blocks", "Residual 1-D convolution blocks (two convs with BatchNorm each)"),
    ],
}


def encoder_input(spec: Spec) -> str | None:
    """The input a task encoder reads: the spec's only input, when it is one of ours."""
    inputs = spec.modality.inputs
    return inputs[0] if len(inputs) == 1 and inputs[0] in ENCODER_INPUTS else None


def check_single_input(spec: Spec, task: str) -> None:
    """Tabular, text and series inputs are built one at a time, not combined with others."""
    inputs = spec.modality.inputs
    ours = [i for i in inputs if i in ENCODER_INPUTS]
    if ours and len(inputs) > 1:
        raise PlanError(
            f"{task} of several inputs ({', '.join(inputs)}) is not built yet: MetaGen builds "
            f"{task} models for one tabular, text or time-series input. Keep one input in "
            "modality.inputs."
        )


def _chosen_family(spec: Spec) -> str | None:
    """The family the spec's architecture names, or its variant's."""
    family = spec.architecture.family if spec.architecture else None
    variant = spec.architecture.variant if spec.architecture else None
    found = get_variant(variant) if variant else None
    return family or (found.family if found else None)


def _default_family(spec: Spec, source: str, task: str) -> tuple[str, str | None]:
    """(the family a spec that names none gets, the decision that says why where the data
    decided it). A text classifier is fastText, unless its training data holds
    LARGE_TEXT_SET texts or more and it trains on an accelerator: then the transformer."""
    default = TASK_DEFAULT_FAMILY.get((task, source), DEFAULT_FAMILY[source])
    if (task, source) != ("classification", "text") or _chosen_family(spec):
        return default, None
    data = spec.data
    count = training_text_count(data.path, data.train, LARGE_TEXT_SET) if data else None
    if count is None or count < LARGE_TEXT_SET:
        return default, None
    device = spec.constraints.device if spec.constraints else None
    size = f"The training data holds {LARGE_TEXT_SET:,} texts or more"
    why = (
        "where published comparisons find a network trained from scratch 1 to 3 points "
        "ahead of fastText (handlers/tasks/text_set_size.py)"
    )
    if device in ACCELERATOR_DEVICES:
        return "transformer", f"{size}, {why}: the transformer, on the {device}."
    return default, (
        f"{size}, {why}, but such a set trains a transformer for days on a "
        f"{device or 'CPU'}: fastText. On a GPU, set constraints.device (consumer_gpu, "
        "datacenter_gpu) to get the transformer, or architecture.family: transformer."
    )


def _family(spec: Spec, source: str, task: str, families: tuple[str, ...], default: str) -> str:
    family = _chosen_family(spec) or default
    families = tuple(
        f
        for f in families
        if task in ENCODER_TASKS.get(ENCODER_ARCHS.get((source, f), ""), (task,))
    )
    if (source, family) in ENCODER_ARCHS and family in families:
        return family
    built = [f for (i, f) in ENCODER_ARCHS if i == source and f in families]
    if not built:
        raise PlanError(
            f"{task} of {source} input is not built yet; {task} is built for "
            f"{', '.join(i for (i, f) in ENCODER_ARCHS if f in families)} input."
        )
    if family in FAMILIES and family not in DEFAULT_FAMILY.values():
        raise not_built(FAMILIES[family], "architecture.family", family)
    raise PlanError(
        f"architecture.family '{family}' is not built for {task} of {source} input; MetaGen "
        f"builds it with family {' or '.join(built)}. Set architecture.family to "
        f"{built[0]}, or leave it out."
    )


def _plan_tabular(spec: Spec, bp: Blueprint) -> None:
    params = spec.modality.tabular
    features = params.num_features if params and params.num_features else None
    if features is None:
        features = DEFAULT_NUM_FEATURES
        bp.decisions.append(
            f"No modality.tabular.num_features; the input layer reads {features} features (the "
            "built-in synthetic rows). Training on a CSV resizes it to the file's columns."
        )
    bp.fixed_dims.update(num_features=features, norm_eps=1e-5, dropout=0.0)
    bp.data.update(kind="tabular", num_features=features, target=params.target if params else None)
    bp.decisions.append(
        "Tabular rows: every column but the target is a numeric feature, standardized with "
        "the training split's mean and spread; the target is "
        + (f"column {params.target!r}." if params and params.target else "the last column.")
    )


def _plan_text(spec: Spec, bp: Blueprint) -> None:
    variant = get_variant(bp.variant) if bp.variant else None
    given = bp.given_dims or {}
    context = bp.context_length or DEFAULT_TEXT_CONTEXT
    if bp.context_length is None and variant is None and "context_length" not in given:
        bp.decisions.append(
            f"No constraints.context_window; the encoder's position table has "
            f"{DEFAULT_TEXT_CONTEXT} rows (BERT)."
        )
    bp.context_length = context
    first_token = bool(variant and variant.dims.get("pooler"))
    text = spec.modality.text
    bpe_size = text.vocab_size if text is not None and text.tokenizer == "bpe" else None
    bp.fixed_dims.update(
        vocab_size=bpe_size or BYTE_VOCAB_PADDED,
        context_length=context,
        type_vocab_size=1,  # no sentence pairs in the data, as RoBERTa
        norm_position="post",
        pooler=False,
        pool="cls" if first_token else "mean",
        norm_eps=1e-12,
        dropout=0.0,
    )
    bp.data.update(kind="text", tokenizer="byte", seq_len=min(context, MAX_TEXT_TRAIN_SEQ_LEN))
    plan_bpe(spec, bp)
    # Texts are tokenized up front and a byte encoder is the slowest smoke model here: fewer
    # held-out texts keep the smoke run's evaluations short.
    bp.smoke_data.update(seq_len=SMOKE_TEXT_SEQ_LEN, num_train=8_000, num_val=500)
    # what the head reads, as a variant or the spec's architecture.dims may set it
    dims = {**bp.fixed_dims, **(variant.dims if variant else {}), **given}
    if dims["pool"] == "mean":
        reads = "the mean over the text's tokens."
    else:
        reads = "BERT's pooled first token." if dims["pooler"] else "the first token."
    bp.decisions.append(
        f"Text: {'BPE' if bpe_size else 'byte'} tokens after a bos token; the head reads {reads}"
    )


def _plan_word_bag(spec: Spec, bp: Blueprint) -> None:
    text = spec.modality.text
    bpe = text is not None and text.tokenizer == "bpe"
    vocab = text.vocab_size if text is not None and bpe and text.vocab_size else WORD_VOCAB
    bp.fixed_dims.update(vocab_size=vocab, dropout=0.0)
    bp.data.update(kind="text", tokenizer="word", vocab_size=vocab, seq_len=MAX_WORD_SEQ_LEN)
    bp.smoke_data.update(vocab_size=min(vocab, SMOKE_VOCAB), seq_len=SMOKE_WORD_SEQ_LEN)
    bp.train_settings.update(WORD_BAG_TRAIN)
    plan_bpe(spec, bp)
    bp.smoke_model["vocab_size"] = bp.smoke_data["vocab_size"]  # the smoke tokenizer's ids
    if not bpe:
        bp.decisions.append(
            f"Text: a word vocabulary of at most {vocab:,} words (lowercased; every word seen, "
            "most frequent first), trained by train.py on the training split and saved as "
            "tokenizer.json; the embedding keeps a row per word it holds."
        )
    bp.decisions.append(
        "Family mlp for text: a fastText classifier (word and hashed word-bigram embeddings, "
        "pooled by a learned score per row, then a linear head), the default for text "
        "classification: it learns from thousands of labelled texts, where a transformer "
        "from scratch needs far more. architecture.family transformer (or a variant, "
        "bert_base) builds the transformer."
    )
    bp.decisions.append(
        f"seq_len: train.py keeps 95% of the training texts whole (in tokens), up to "
        f"{MAX_WORD_SEQ_LEN:,} ({SMOKE_WORD_SEQ_LEN:,} at the smoke scale), and notes how many "
        "texts it cuts."
    )


def _plan_series(spec: Spec, bp: Blueprint) -> None:
    length = spec.task.lookback if spec.task and spec.task.lookback else None
    if length is None:
        length = DEFAULT_SERIES_LENGTH
        bp.decisions.append(f"No task.lookback; series are {length} steps long.")
    params = getattr(spec.modality, "time_series", None)
    channels = getattr(params, "channels", None) or 1
    bp.fixed_dims.update(series_length=length, in_channels=channels, kernel_size=SERIES_KERNEL)
    bp.data.update(kind="series", series_length=length, channels=channels)
    bp.smoke_data.update(series_length=min(length, SMOKE_SERIES_LENGTH))


def _plan_chunks(spec: Spec, bp: Blueprint) -> None:
    """data.chunks (a text classifier's; the spec's checks refuse it elsewhere): the model
    reads a text as that many chunks of seq_len tokens and averages them."""
    chunks = spec.data.chunks if spec.data else None
    if chunks is None:
        return
    bp.fixed_dims["chunks"] = chunks
    bp.decisions.append(
        f"data.chunks {chunks}: each text is read as up to {chunks} consecutive chunks of "
        "seq_len tokens, each encoded alone, and the head reads the mean of their pooled "
        f"vectors (the mean of their logits), so texts up to {chunks} x seq_len tokens are "
        f"read whole, at {chunks} times the compute per text."
    )


_PLANNERS: dict[str, Callable[[Spec, Blueprint], None]] = {
    "tabular_mlp": _plan_tabular,
    "text_encoder": _plan_text,
    "fasttext": _plan_word_bag,
    "series_cnn": _plan_series,
}


def plan_task_encoder(
    spec: Spec,
    bp: Blueprint,
    task: str,
    families: tuple[str, ...],
    head: tuple[str, str],
    num_outputs: int,
) -> str:
    """Set bp's arch, runtime task, fixed dims, data and components for `task` on the spec's
    tabular, text or series input; `head` is the head's (name, role). Returns that input."""
    check_single_input(spec, task)
    source = encoder_input(spec)
    if source is None:
        raise PlanError(
            f"{task} is built for one tabular, text or time-series input, not "
            f"{', '.join(spec.modality.inputs)}."
        )
    default, decision = _default_family(spec, source, task)
    family = _family(spec, source, task, families, default)
    bp.family, bp.arch, bp.task = family, ENCODER_ARCHS[(source, family)], task
    _PLANNERS[bp.arch](spec, bp)
    if decision:
        bp.decisions.append(decision)
    _plan_chunks(spec, bp)
    bp.fixed_dims["num_outputs"] = num_outputs
    roles = list(_ENCODER_ROLES[bp.arch])
    variant = get_variant(bp.variant) if bp.variant else None
    if variant is not None and variant.dims.get("pooler"):
        roles.append(
            ("pooler", "Pooler: dense + tanh on the first token (BERT), trained with the head")
        )
    bp.components = [*roles, head]
    return source
