"""Sequence labelling (NER, POS tagging): a tag per word from a transformer encoder or a
BiLSTM, optionally decoded by a CRF; scored by entity-level F1 over BIO spans."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.tasks.base import TaskHandler, task_num_classes
from metagen.handlers.tasks.registry import register_task

DEFAULT_WORD_BUCKETS = 8192  # word-hash buckets without modality.text.vocab_size
DEFAULT_MAX_WORDS = 128  # longest sentence without constraints.context_window
# O plus B- and I- for the synthetic data's four entity types (PER, LOC, ORG, NUM).
DEFAULT_TAGS = 9

# family -> {architecture.variant: (encoder, crf)}; None is the family's default.
TAGGER_VARIANTS: dict[str, dict[str | None, tuple[str, bool]]] = {
    "transformer": {None: ("transformer", False), "crf": ("transformer", True)},
    "rnn": {
        None: ("bilstm", False),
        "bilstm": ("bilstm", False),
        "crf": ("bilstm", True),
        "bilstm_crf": ("bilstm", True),
    },
}
TAGGING_METRICS = [
    "loss",
    "entity_f1",
    "entity_precision",
    "entity_recall",
    "token_accuracy",
    "all_o_entity_f1",
    "all_o_token_accuracy",
]


def tagger_kind(family: str, variant: str | None) -> tuple[str, bool]:
    if family not in TAGGER_VARIANTS:
        raise PlanError(
            f"architecture.family '{family}' does not tag sequences here; sequence_labeling "
            "builds transformer (an encoder) and rnn (a BiLSTM)."
        )
    variants = TAGGER_VARIANTS[family]
    if variant not in variants:
        known = ", ".join(v for v in variants if v is not None)
        raise PlanError(
            f"architecture.variant '{variant}' is not a {family} tagger; known: {known} (crf "
            "adds a CRF layer). Remove it for no CRF."
        )
    return variants[variant]


def tag_count(spec, blueprint: Blueprint) -> int:
    num_classes = task_num_classes(
        spec,
        blueprint,
        DEFAULT_TAGS,
        f"the head has {DEFAULT_TAGS} tags (O, B- and I- for 4 entity types). "
        "Training data with other tags resizes it to match.",
    )
    if num_classes < 3 or num_classes % 2 == 0:
        raise PlanError(
            f"task.num_classes ({num_classes}) counts BIO tags for sequence_labeling: O plus a "
            "B- and an I- tag per entity type, an odd number of at least 3 (9 for 4 types)."
        )
    return num_classes


@register_task("sequence_labeling")
class SequenceLabelingTaskHandler(TaskHandler):
    name = "sequence_labeling"
    supported_modalities = ("text",)
    output_type = "label"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        encoder, crf = tagger_kind(blueprint.family, blueprint.variant)
        blueprint.variant = None  # a kind of model, not a published size
        text = spec.modality.text
        buckets = text.vocab_size if text and text.vocab_size else DEFAULT_WORD_BUCKETS
        max_len = blueprint.context_length or DEFAULT_MAX_WORDS
        if blueprint.context_length is None:
            blueprint.decisions.append(
                f"No constraints.context_window; sentences of up to {max_len} words (longer "
                "ones are cut)."
            )
        num_classes = tag_count(spec, blueprint)
        blueprint.arch = "sequence_tagger"
        blueprint.task = "sequence_labeling"
        blueprint.fixed_dims.update(
            vocab_size=buckets,
            max_len=max_len,
            encoder=encoder,
            num_classes=num_classes,
            crf=crf,
            norm_eps=1e-5,
            dropout=0.1 if encoder == "bilstm" else 0.0,
        )
        blueprint.data.update(
            kind="tagging", seq_len=max_len, vocab_size=buckets, num_classes=num_classes
        )
        blueprint.components = [
            (
                "token_embedding",
                f"word embeddings: {buckets} hash buckets of the words (id 0 is padding)",
            ),
        ]
        if encoder == "transformer":
            blueprint.components += [
                ("position_embedding", f"learned positions for up to {max_len} words"),
                ("blocks", "pre-norm transformer blocks, padding masked out of attention"),
                ("final_norm", "LayerNorm"),
            ]
        else:
            blueprint.components.append(
                ("encoder", "BiLSTM layers: one LSTM reads forwards, one backwards")
            )
        blueprint.components.append(("head", f"linear: {num_classes} tag scores per word"))
        if crf:
            blueprint.components.append(
                (
                    "crf",
                    "linear-chain CRF: tag transitions, start and end scores; trained by "
                    "its log-likelihood, decoded by Viterbi",
                )
            )
        blueprint.decisions.append(
            "Words are hashed (CRC-32, case kept) into the embedding's buckets: no vocabulary "
            "file, and the same id at training and inference. Tags are BIO; held-out entity F1 "
            "counts exact (type, start, end) matches as CoNLL's conlleval does."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {
            "type": "token_classification_head",
            "crf": blueprint.fixed_dims["crf"],
            "num_classes": blueprint.fixed_dims["num_classes"],
        }

    def get_loss_function(self, spec) -> str:
        return "sequence_labeling"

    def get_metrics(self, spec) -> list[str]:
        return list(TAGGING_METRICS)
