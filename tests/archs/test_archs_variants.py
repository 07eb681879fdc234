"""Every named variant in the catalog, built on the meta device, against its published count."""

import pytest
import torch
from tests.archs.small_dims import unique_params_by_name

from metagen.archs.build import build_from_dims
from metagen.blueprint.catalog import all_variants
from metagen.blueprint.counts import count_params

# Published counts quoted from their sources, independent of the catalog's own numbers.
PUBLISHED = {
    "gpt2_medium": 354_823_168,  # Radford et al. 2019; HF gpt2-medium
    "vit_l_16": 304_326_632,  # Dosovitskiy et al. 2021; torchvision vit_l_16
    # Devlin et al. 2019; HF BertModel (bert-base-uncased, with the pooler, no MLM head).
    "bert_base": 109_482_240,
}
# BERT's MLM head on top of that: dense 768x768 + bias, LayerNorm, and a 30,522-entry decoder
# bias (the decoder weight is the tied token embedding); HF BertForMaskedLM has no pooler and
# reports 109,514,298 = 109,482,240 - 590,592 + 622,650.
BERT_MLM_HEAD = 768 * 768 + 768 + 2 * 768 + 30_522


@pytest.mark.parametrize("name", sorted(all_variants()))
def test_variant_builds_with_its_published_count(name):
    variant = all_variants()[name]
    with torch.device("meta"):
        model = build_from_dims(variant.arch, variant.dims)
    components = count_params(variant.arch, variant.dims)
    assert sum(p.numel() for p in model.parameters()) == sum(components.values())
    assert components == unique_params_by_name(model, components)
    covered = {n: components[n] for n in variant.published_components or components}
    assert sum(covered.values()) == variant.published_params


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_catalog_quotes_the_published_numbers(name):
    assert all_variants()[name].published_params == PUBLISHED[name]


def test_bert_base_is_the_published_encoder_plus_its_mlm_head():
    variant = all_variants()["bert_base"]
    components = count_params(variant.arch, variant.dims)
    assert variant.published_components == ("embeddings", "blocks", "pooler")
    assert components["mlm_head"] == BERT_MLM_HEAD == 622_650
    assert sum(components.values()) == 109_482_240 + BERT_MLM_HEAD
    assert sum(components.values()) - components["pooler"] == 109_514_298
