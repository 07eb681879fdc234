"""Image to code: a vision-language model (the multimodal handler's VLM, planned for image and
text in whether the spec names the text or not: the code it writes is its text) that writes
the code a picture was rendered from; this handler sets what it trains on and how it is
scored."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.multimodal import MultimodalHandler
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task

# The smoke image: large enough that a mockup's colours and a chart's bars stay legible.
SMOKE_IMAGE_SIZE = 64
# The smoke context: the generated pairs' code fits in it, and a step stays short.
SMOKE_CONTEXT = 512
IMAGE_TO_CODE_METRICS = [
    "loss",
    "perplexity",
    "token_accuracy",
    "exact_match",
    "bleu",
    "attribute_accuracy",
    "html_parse_rate",
    "html_attribute_accuracy",
    "chart_run_rate",
    "chart_attribute_accuracy",
    "function_compile_rate",
    "function_checks_passed",
    "description_bleu",
    "baseline_exact_match",
    "baseline_bleu",
    "baseline_attribute_accuracy",
    "kind_baseline_attribute_accuracy",
]


@register_task("image_to_code")
class ImageToCodeTaskHandler(TaskHandler):
    name = "image_to_code"
    supported_modalities = ("image",)
    companion_modalities = ("text",)
    output_type = "text"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        inputs = ["image", "text"]
        modality = spec.modality.model_copy(update={"inputs": inputs, "outputs": ["text"]})
        MultimodalHandler(spec.model_copy(update={"modality": modality})).augment_blueprint(
            blueprint
        )
        blueprint.modality_inputs = inputs
        if blueprint.arch != "vlm":
            raise PlanError(
                "task.type image_to_code writes code with a vision-language model, and "
                "training.objective asks for another: set it to autoregressive, or leave it out."
            )
        context = blueprint.context_length
        assert context is not None, "the multimodal handler sets the VLM's context"
        blueprint.task = "image_to_code"
        blueprint.data.pop("num_classes", None)  # the shapes captions' classes: not read here
        blueprint.data.update(kind="image_code", seq_len=context)
        size = blueprint.fixed_dims["image_size"]
        smoke_context = min(context, SMOKE_CONTEXT)
        blueprint.smoke_data["seq_len"] = smoke_context
        blueprint.smoke_model.update(
            context_length=smoke_context,
            image_size=min(size, SMOKE_IMAGE_SIZE),
            patch_size=min(blueprint.fixed_dims["patch_size"], 8),
        )
        blueprint.decisions.append(
            f"Image to code: the LM writes up to {context - 2} bytes of code per picture (bos, "
            "the code, eos, in its context window; longer code is cut, and data_info.json "
            "counts the cut held-out samples). Scored by running what it writes: HTML parsed "
            "and compared by component, chart scripts and flowchart functions run in a "
            "sandbox, beside baselines that write the most common training code (of any kind, "
            "and of the picture's kind) whatever the picture. The smoke scale keeps a context of at most "
            f"{SMOKE_CONTEXT} and reads {min(size, SMOKE_IMAGE_SIZE)}-pixel images."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "lm_head", "arch": blueprint.arch}

    def get_loss_function(self, spec) -> str:
        return "image_to_code"

    def get_metrics(self, spec) -> list[str]:
        return list(IMAGE_TO_CODE_METRICS)
