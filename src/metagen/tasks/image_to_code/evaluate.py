"""Held-out evaluation of image_to_code: the model writes code for each picture (greedy,
with the KV cache), and the code is checked for whether it works (evaluate/code_checks.py,
every run in the sandbox): HTML parses and has the mockup's components, a chart script runs
and draws the chart's values, a flowchart's function gives the reference's outputs. Beside
it, the same scores of two baselines that write one program whatever the picture: the most
common training code, and the most common training code of the picture's kind (told the
kind); and the teacher-forced loss."""

import torch.nn.functional as F

from metagen.data.batch import move_batch
from metagen.data.image_captions import CAPTION_IGNORE_INDEX
from metagen.data.tokenizer import ByteTokenizer
from metagen.evaluate.caption_writing import write_captions
from metagen.evaluate.code_checks import (
    chart_compare,
    chart_drawing,
    charts_can_run,
    function_compare,
    function_outputs,
    html_check,
)
from metagen.evaluate.metrics import perplexity

# kind -> (the rate a check reports, its name in the metrics)
CODE_RATES = {"ui": ("parses", "html_parse_rate"), "chart": ("runs", "chart_run_rate"),
              "flowchart": ("compiles", "function_compile_rate")}  # fmt: skip
CODE_ATTRIBUTES = {"ui": "html_attribute_accuracy", "chart": "chart_attribute_accuracy",
                   "flowchart": "function_checks_passed"}  # fmt: skip


def check_written(text: str, reference: dict, runs: dict, charts_run: bool) -> dict:
    """One written text's scores against its reference: exact, and by kind its rate and
    `attributes` (the fraction of what the picture shows that the code reproduces; a kind
    without checks counts its exact match). `runs` memoizes sandbox runs by their code."""
    kind, exact = reference["kind"], text == reference["target"]
    scores = {"exact": exact, "attributes": float(exact)}
    if kind == "ui":
        checked = html_check(text, reference["target"])
    elif kind == "chart" and charts_run:
        if ("chart", text) not in runs:
            runs["chart", text] = chart_drawing(text)
        checked = chart_compare(runs["chart", text], reference["chart"])
    elif kind == "flowchart":
        inputs = [x for x, _ in reference["checks"]]
        key = ("flowchart", text, repr(inputs))
        if key not in runs:
            runs[key] = function_outputs(text, inputs)
        checked = function_compare(runs[key], reference["checks"])
    else:
        return scores
    rate = CODE_RATES[kind][0]
    return {**scores, "rate": float(checked[rate]), "attributes": checked["attributes_matched"]}


def summarize_written(scored: list[tuple[dict, dict, str]], prefix: str) -> dict:
    """The metrics of (reference, scores, text) triples, names led by `prefix`."""
    import sacrebleu

    def bleu(rows) -> float:
        return sacrebleu.corpus_bleu(
            [t for _, _, t in rows], [[r["target"] for r, _, _ in rows]]
        ).score

    results = {
        "exact_match": sum(s["exact"] for _, s, _ in scored) / len(scored),
        "bleu": bleu(scored),
        "attribute_accuracy": sum(s["attributes"] for _, s, _ in scored) / len(scored),
    }
    for kind, (_, name) in CODE_RATES.items():
        rows = [s for r, s, _ in scored if r["kind"] == kind and "rate" in s]
        if rows:
            results[name] = sum(s["rate"] for s in rows) / len(rows)
            results[CODE_ATTRIBUTES[kind]] = sum(s["attributes"] for s in rows) / len(rows)
    described = [row for row in scored if row[0]["kind"] == "code"]
    if described:
        results["description_bleu"] = bleu(described)
    return {prefix + k: v for k, v in results.items()}


def evaluate_image_to_code(model, batches, device) -> dict:
    """The written code's scores beside the two most-common-code baselines', and the
    teacher-forced loss and token accuracy on the same samples."""
    tokenizer = ByteTokenizer()
    runs: dict = {}  # sandbox runs, by their code: a baseline's program runs once
    charts_run = charts_can_run()
    loss_sum, correct, tokens, written, unchecked = 0.0, 0, 0, [], 0
    baselines: dict[str, list] = {"baseline": [], "kind_baseline": []}
    for batch in batches:
        references, batch = batch["reference"], move_batch(batch, device)
        images, input_ids, targets = batch["images"], batch["input_ids"], batch["targets"]
        logits = model(images=images, input_ids=input_ids).float()  # (B, T, V)
        valid = targets != CAPTION_IGNORE_INDEX  # (B, T)
        loss_sum += float(F.cross_entropy(logits.flatten(0, 1), targets.flatten(),
                                          ignore_index=CAPTION_IGNORE_INDEX, reduction="sum"))  # fmt: skip
        correct += int(((logits.argmax(dim=-1) == targets) & valid).sum())
        tokens += int(valid.sum())
        for text, ref in zip(write_captions(model, images, tokenizer, input_ids.size(1)), references,
                             strict=True):  # fmt: skip
            written.append((ref, check_written(text, ref, runs, charts_run), text))
            for name, scored in baselines.items():  # a kind training never saw: nothing
                other = ref[name] or ""
                scored.append((ref, check_written(other, ref, runs, charts_run), other))
            unchecked += ref["kind"] == "chart" and not charts_run
    if not written:
        raise ValueError("cannot evaluate on an empty dataset")
    mean = loss_sum / tokens
    results = {"loss": mean, "perplexity": perplexity(mean), "token_accuracy": correct / tokens}
    results.update(summarize_written(written, ""))
    for name, scored in baselines.items():
        results.update(summarize_written(scored, f"{name}_"))
    if unchecked:  # charts run only where matplotlib is installed; these count exact match
        results["charts_unchecked_no_matplotlib"] = unchecked
    results.update(num_tokens=tokens, num_samples=len(written))
    return results
