"""encode_image, encode_text and encode_audio (issue 16): unit-length embeddings, one row per
input, equal to the features the model itself pools (what its head reads) normalised; and
callable on a generated package's model, as a user calls them."""

from __future__ import annotations

import importlib.util
import sys

import pytest
import torch
import torch.nn.functional as F
from tests.archs.small_dims import SMALL_DIMS
from tests.paths import EXAMPLE_SPECS, spec_id

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.spec import load_spec
from metagen.synthesis import run_files
from metagen.train.record_losses import pair_similarity

torch.set_num_threads(1)
# arch -> the method that embeds its input; the head reads the pooled features it normalises
HEAD_ENCODERS = {
    "vit": "encode_image",
    "hybrid_vit": "encode_image",
    "resnet": "encode_image",
    "audio_transformer": "encode_audio",
}
BATCH = 3
INPUT_OF = {"encode_image": "images", "encode_audio": "waveform", "encode_text": "input_ids"}
# one example per arch with an encoder: its generated model.py must offer the methods
PACKAGE_ENCODERS = {
    "audio/audio_classifier.yaml": ("encode_audio",),
    "image/shapes_vit.yaml": ("encode_image",),
    "image/shapes_cnn.yaml": ("encode_image",),
    "image/hybrid_classifier.yaml": ("encode_image",),
    "text/sentence_embedding.yaml": ("encode_text",),
    "multimodal/small_clip.yaml": ("encode_image", "encode_text"),
}


def _built(arch: str, variant: str):
    torch.manual_seed(0)
    dims = SMALL_DIMS[arch][variant]
    return build_from_dims(arch, dims).eval(), example_inputs_for(arch, dims, BATCH)


def _assert_unit_rows(embeddings: torch.Tensor, rows: int) -> None:
    assert embeddings.dim() == 2 and embeddings.size(0) == rows
    torch.testing.assert_close(embeddings.norm(dim=-1), torch.ones(rows))


@pytest.mark.parametrize(
    ("arch", "variant"),
    [(arch, variant) for arch in sorted(HEAD_ENCODERS) for variant in SMALL_DIMS[arch]],
)
@torch.no_grad()
def test_encoder_is_the_pooled_features_the_head_reads_at_unit_length(arch, variant) -> None:
    model, inputs = _built(arch, variant)
    (x,) = inputs.values()
    read = []
    hook = model.head.register_forward_hook(lambda _m, args, _out: read.append(args[0]))
    logits = model(x)
    hook.remove()
    embeddings = getattr(model, HEAD_ENCODERS[arch])(x)
    _assert_unit_rows(embeddings, BATCH)
    torch.testing.assert_close(embeddings, F.normalize(read[0], dim=-1))
    torch.testing.assert_close(model.head(read[0]), logits)
    # each row is its own input's: no mixing across the batch
    torch.testing.assert_close(getattr(model, HEAD_ENCODERS[arch])(x[1:2]), embeddings[1:2])


# the embedding task reads whole texts: chunks are a classifier's
EMBEDDING_VARIANTS = sorted(
    k for k, dims in SMALL_DIMS["text_encoder"].items() if "chunks" not in dims
)


@pytest.mark.parametrize("variant", EMBEDDING_VARIANTS)
@torch.no_grad()
def test_text_encoder_embeds_in_the_space_the_embedding_task_ranks(variant) -> None:
    dims = {**SMALL_DIMS["text_encoder"][variant], "num_outputs": 16}
    torch.manual_seed(0)
    model = build_from_dims("text_encoder", dims).eval()
    ids = torch.randint(1, dims["vocab_size"], (BATCH, 2, 12))  # (B, pair, T)
    mask = torch.ones_like(ids)
    mask[:, :, 9:] = 0  # padding must not move the embedding
    pairs = model.encode_text(ids, mask)  # (B, 2, E)
    assert pairs.shape == (BATCH, 2, dims["num_outputs"])
    torch.testing.assert_close(pairs.norm(dim=-1), torch.ones(BATCH, 2))
    torch.testing.assert_close(pairs, F.normalize(model(ids, mask), dim=-1))
    # the cosine similarities the embedding loss and recall@k are computed from
    torch.testing.assert_close(pairs[:, 0] @ pairs[:, 1].T, pair_similarity(model(ids, mask)))
    changed = ids.clone()
    changed[:, :, 10] = 1 + ids[:, :, 10] % (dims["vocab_size"] - 1)
    torch.testing.assert_close(model.encode_text(changed, mask), pairs)
    anchors = model.encode_text(ids[:, 0], mask[:, 0])  # (B, T) -> (B, E)
    _assert_unit_rows(anchors, BATCH)


@pytest.mark.parametrize("variant", sorted(SMALL_DIMS["clip"]))
@torch.no_grad()
def test_clip_encoders_are_unit_length_and_make_its_logits(variant) -> None:
    model, inputs = _built("clip", variant)
    images, input_ids = inputs["images"], inputs["input_ids"]
    image_embeds, text_embeds = model.encode_image(images), model.encode_text(input_ids)
    _assert_unit_rows(image_embeds, BATCH)
    _assert_unit_rows(text_embeds, BATCH)
    assert image_embeds.size(1) == text_embeds.size(1) == model.config.embed_dim
    logits = model.logit_scale() * image_embeds @ text_embeds.T
    torch.testing.assert_close(model(images, input_ids), logits)


def _generated_model(spec_path, folder):
    files = run_files(load_spec(spec_path), None)
    for name in ("model.py", "config.json"):
        (folder / name).write_text(files[f"code/{name}"], encoding="utf-8")
    module_name = f"generated_encoder_{spec_id(spec_path).replace('/', '_').replace('.', '_')}"
    spec = importlib.util.spec_from_file_location(module_name, folder / "model.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "spec_path", [p for p in EXAMPLE_SPECS if spec_id(p) in PACKAGE_ENCODERS], ids=spec_id
)
@torch.no_grad()
def test_a_generated_package_model_embeds(spec_path, tmp_path) -> None:
    assert {spec_id(p) for p in EXAMPLE_SPECS} >= set(PACKAGE_ENCODERS)
    module = _generated_model(spec_path, tmp_path)
    torch.manual_seed(0)
    model = module.build_model("smoke").eval()
    inputs = module.example_inputs(BATCH, "smoke")
    for method in PACKAGE_ENCODERS[spec_id(spec_path)]:
        # a text encoder's padding mask goes with its ids; CLIP's text tower reads eot instead
        masked = method == "encode_text" and "attention_mask" in inputs
        extra = {"attention_mask": inputs["attention_mask"]} if masked else {}
        embeddings = getattr(model, method)(inputs[INPUT_OF[method]], **extra)
        flat = embeddings.reshape(-1, embeddings.size(-1))  # a pair's two texts too
        torch.testing.assert_close(flat.norm(dim=-1), torch.ones(flat.size(0)))
        assert embeddings.size(0) == BATCH
