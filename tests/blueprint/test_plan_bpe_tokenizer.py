"""A spec with tokenizer: bpe plans the BPE's size as the model's vocabulary (decoder LM,
masked LM, text task encoders) and names the tokenizer in the data config; specs whose model
reads text another way refuse it; specs without it plan as before."""

from __future__ import annotations

import json

import pytest

from metagen.blueprint.model import PlanError
from metagen.codegen.package import config_json
from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text

BPE = "{tokenizer: bpe, vocab_size: 8000}"


def plan(inputs="[text]", outputs="[text]", text=BPE, extra=""):
    body = f"name: t\nmodality: {{inputs: {inputs}, outputs: {outputs}, text: {text}}}\n{extra}"
    return make_blueprint(parse_spec_text(body, source="spec.yaml"))


@pytest.mark.parametrize(
    ("outputs", "extra", "arch"),
    [
        ("[text]", "", "decoder_lm"),
        ("[text]", "training: {objective: [masked]}\n", "encoder_mlm"),
        ("[label]", "task: {type: classification, num_classes: 4}\n", "fasttext"),
        ("[embedding]", "task: {type: embedding}\n", "text_encoder"),
    ],
)
def test_the_bpe_size_is_the_models_vocabulary(outputs, extra, arch):
    bp = plan(outputs=outputs, extra=extra)
    assert bp.arch == arch and bp.dims["vocab_size"] == 8000
    config = json.loads(config_json(bp))
    full, smoke = config["scales"]["full"], config["scales"]["smoke"]
    assert (full["data"]["tokenizer"], full["data"]["vocab_size"]) == ("bpe", 8000)
    # the smoke model's vocabulary shrinks, and the BPE it trains with it
    assert smoke["data"]["vocab_size"] == smoke["model"]["vocab_size"] == 320
    assert any("byte-level BPE of at most 8,000 tokens" in d for d in bp.decisions)


def test_a_variant_keeps_its_embedding_and_the_bpe_fits_in_it():
    bp = plan(extra="architecture: {variant: gpt2}\n")
    assert bp.dims["vocab_size"] == 50257 and bp.scales["full"].data["vocab_size"] == 8000
    small = "architecture: {dims: {vocab_size: 4000, context_length: 256, d_model: 64, "
    small += "n_layers: 1, n_heads: 2, n_kv_heads: 2, d_ff: 128, norm: rmsnorm, mlp: swiglu, "
    small += "position: rope, bias: false, tie_embeddings: true}}\n"
    with pytest.raises(PlanError, match=r"vocab_size \(8000\) is more tokens than .* \(4000"):
        plan(extra=small)


@pytest.mark.parametrize(
    ("inputs", "outputs", "extra", "arch"),
    [
        ("[audio]", "[text]", "task: {type: speech_recognition}\n", "speech_encoder_decoder"),
        ("[text]", "[label]", "task: {type: sequence_labeling, num_classes: 5}\n", "tagger"),
    ],
)
def test_models_that_read_text_another_way_refuse_bpe(inputs, outputs, extra, arch):
    with pytest.raises(PlanError, match=rf"tokenizer 'bpe' is built for .* plans a \w*{arch}"):
        plan(inputs=inputs, outputs=outputs, extra=extra)


def test_without_bpe_the_data_config_is_the_byte_tokenizers():
    bp = plan(text="{vocab_size: 512}")
    assert bp.dims["vocab_size"] == 512
    assert bp.scales["full"].data["tokenizer"] == "byte"
    assert "vocab_size" not in bp.scales["full"].data
