"""Tag probabilities of a sequence tagger for every held-out word, for
report/plots/class_scores: the softmax of its emissions, or, with a CRF, each word's tag
marginal under the CRF (the gradient of the log partition by the emissions), beside the tags
the evaluator scores (a CRF's Viterbi path, which can differ from each word's likeliest tag):
the confusion matrix and per-class scores count those."""

import torch

from metagen.data.batch import model_inputs, move_batch
from metagen.predictions.class_scores import class_scores
from metagen.tasks.sequence_labeling.evaluate import _decode as decoded_tags
from metagen.tasks.sequence_labeling.loss_crf import crf_log_partition

MAX_WORDS = 20_000  # the first held-out words


def collect_tag_scores(model, batches, device, info) -> dict:
    """{"kind": "class_scores", probabilities (words, K), labels (words,), class_names,
    probabilities_from}."""
    probabilities, labels, predicted, crf = [], [], [], False
    for batch in batches:
        batch = move_batch(batch, device)
        outputs = model(**model_inputs(batch))
        targets = batch["targets"]  # (B, T), -100 at padding
        mask = targets != -100
        crf = "transitions" in outputs
        tags = tag_marginals(outputs, mask) if crf else outputs["emissions"].float().softmax(-1)
        probabilities.append(tags[mask].cpu())  # (words, K)
        labels.append(targets[mask].cpu())
        predicted.append(decoded_tags(outputs, mask)[mask].cpu())
        if sum(len(chunk) for chunk in labels) >= MAX_WORDS:
            break
    collected = class_scores(probabilities, labels, info.get("tag_names"), MAX_WORDS)
    collected["predicted"] = torch.cat(predicted)[:MAX_WORDS]
    return {
        **collected,
        "probabilities_from": "CRF tag marginals" if crf else "softmax of the emissions",
    }


def tag_marginals(outputs: dict, mask: torch.Tensor) -> torch.Tensor:
    """p(tag of word t = k | sentence) under the CRF (B, T, K): d log Z / d emission[t, k]."""
    with torch.enable_grad():
        emissions = outputs["emissions"].float().detach().requires_grad_(True)
        log_z = crf_log_partition(
            emissions,
            mask,
            outputs["start_transitions"].float().detach(),
            outputs["transitions"].float().detach(),
            outputs["end_transitions"].float().detach(),
        )
        (marginals,) = torch.autograd.grad(log_z.sum(), emissions)
    return marginals
