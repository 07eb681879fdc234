import json

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from metagen.tasks.runtime import build_datasets, train_model

torch.set_num_threads(1)


class ConvLM(nn.Module):
    """Stand-in decoder LM: gated causal dilated convolutions, tied head, dropout."""

    def __init__(self, vocab_size=259, d=48, dilations=(1, 2, 4, 8), dropout=0.1):
        super().__init__()
        self.dilations = dilations
        self.embed = nn.Embedding(vocab_size, d)
        self.convs = nn.ModuleList(nn.Conv1d(d, 2 * d, 2, dilation=k) for k in dilations)
        self.drop = nn.Dropout(dropout)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab_size, bias=False)
        self.head.weight = self.embed.weight

    def forward(self, input_ids):
        x = self.embed(input_ids).transpose(1, 2)  # (B, d, T)
        for k, conv in zip(self.dilations, self.convs, strict=True):
            a, b = conv(F.pad(x, (k, 0))).chunk(2, dim=1)  # causal: pad on the left only
            x = x + self.drop(torch.tanh(a) * torch.sigmoid(b))
        return self.head(self.norm(x.transpose(1, 2)))  # (B, T, V)


class TinyCNN(nn.Module):
    def __init__(self, channels=3, num_classes=12, width=16):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(2 * width, 2 * width, 3, padding=1),
            nn.ReLU(),
            nn.AdaptiveMaxPool2d(1),
        )
        self.head = nn.Linear(2 * width, num_classes)

    def forward(self, images):
        return self.head(self.features(images).flatten(1))


def _cfg(**overrides):
    cfg = {
        "steps": 12,
        "batch_size": 8,
        "lr": 3e-3,
        "min_lr_ratio": 0.1,
        "warmup_steps": 3,
        "weight_decay": 0.1,
        "grad_clip": 1.0,
        "eval_every": 4,
        "eval_batches": 2,
        "checkpoint_every": 4,
        "seed": 0,
    }
    return {**cfg, **overrides}


@pytest.fixture(scope="module")
def lm_data():
    return build_datasets(
        "language_modeling", {"seq_len": 32, "synthetic_chars": 20_000}, "synthetic", 0
    )


def _run_lm(data, out_dir, **kwargs):
    train, val, _ = data
    torch.manual_seed(0)
    model = ConvLM(d=16)
    return train_model(
        model,
        task="language_modeling",
        train_ds=train,
        val_ds=val,
        cfg=kwargs.pop("cfg", _cfg()),
        out_dir=out_dir,
        log_fn=lambda *a: None,
        progress=False,
        **kwargs,
    )


def test_same_seed_gives_identical_curves(lm_data, tmp_path):
    a = _run_lm(lm_data, tmp_path / "a")
    b = _run_lm(lm_data, tmp_path / "b")
    assert len(a["loss_curve"]) == 12
    assert a["loss_curve"] == b["loss_curve"]
    assert a["eval"] == b["eval"]
    c = _run_lm(lm_data, tmp_path / "c", cfg=_cfg(seed=1))
    assert c["loss_curve"] != a["loss_curve"]


def test_resume_continues_the_same_curve(lm_data, tmp_path):
    full = _run_lm(lm_data, tmp_path / "full")
    partial = _run_lm(lm_data, tmp_path / "resumed", stop_at_step=8)
    assert partial["steps"] == 8 and not partial["completed"]
    resumed = _run_lm(lm_data, tmp_path / "resumed", resume=True)
    assert resumed["resumed_from_step"] == 8 and resumed["steps_this_run"] == 4
    assert resumed["loss_curve"] == full["loss_curve"]  # bit for bit, dropout included
    assert resumed["eval"] == full["eval"]
    assert [e["step"] for e in resumed["evals"]] == [4, 8, 12]


def test_metrics_json_is_written_with_run_facts(lm_data, tmp_path):
    result = _run_lm(lm_data, tmp_path)
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert written == json.loads(json.dumps(result))
    for key in ("wall_seconds", "samples_per_second", "device", "torch_version", "seed"):
        assert written[key] is not None
    assert (
        written["world_size"] == 1 and written["final_train_loss"] == written["loss_curve"][-1][1]
    )
    assert set(written["eval"]) >= {"loss", "perplexity", "bits_per_byte"}
    assert (tmp_path / "checkpoints" / "latest" / "model.safetensors").is_file()


def test_bad_train_config_is_rejected(lm_data, tmp_path):
    cfg = _cfg()
    del cfg["lr"]
    with pytest.raises(ValueError, match="lacks \\['lr'\\]"):
        _run_lm(lm_data, tmp_path, cfg=cfg)
    with pytest.raises(ValueError, match="lower train.batch_size"):
        _run_lm(lm_data, tmp_path, cfg=_cfg(batch_size=100_000))


def test_lm_learns_synthetic_text_well_below_unigram_entropy(tmp_path):
    train, val, info = build_datasets(
        "language_modeling", {"seq_len": 64, "synthetic_chars": 60_000}, "synthetic", 0
    )
    torch.manual_seed(0)
    cfg = _cfg(steps=150, batch_size=16, lr=1e-2, warmup_steps=10, eval_every=0, eval_batches=10)
    result = train_model(
        ConvLM(dropout=0.0),
        task="language_modeling",
        train_ds=train,
        val_ds=val,
        cfg=cfg,
        out_dir=tmp_path,
        log_fn=lambda *a: None,
        progress=False,
    )
    held_out = result["eval"]["loss"]
    assert held_out < 0.3 * info["unigram_entropy_nats"], (held_out, info["unigram_entropy_nats"])


def test_cnn_learns_synthetic_shapes(tmp_path):
    data_cfg = {"image_size": 16, "channels": 3, "num_train": 4000, "num_val": 400}
    train, val, info = build_datasets("classification", data_cfg, "synthetic", 0)
    torch.manual_seed(0)
    cfg = _cfg(steps=300, batch_size=32, lr=1e-2, warmup_steps=10, eval_every=0, eval_batches=13)
    result = train_model(
        TinyCNN(3, info["num_classes"]),
        task="classification",
        train_ds=train,
        val_ds=val,
        cfg=cfg,
        out_dir=tmp_path,
        log_fn=lambda *a: None,
        progress=False,
    )
    assert result["eval"]["num_samples"] == 400
    assert result["eval"]["accuracy"] >= 0.9, result["eval"]
    assert result["eval"]["macro_f1"] >= 0.85


class NhwcCNN(TinyCNN):
    prefers_channels_last = True  # as the ResNet arch declares


def test_a_channels_last_model_trains_nhwc_and_saves_weights_any_model_loads(tmp_path):
    """A model that prefers channels-last trains with NHWC weights, along the same curve as
    in NCHW, and its checkpoint loads into a plain model that then gives the same outputs."""
    from safetensors.torch import load_model

    data_cfg = {"image_size": 16, "channels": 3, "num_train": 256, "num_val": 64}
    train, val, info = build_datasets("classification", data_cfg, "synthetic", 0)
    models, curves = {}, {}
    for name, model_class in (("nchw", TinyCNN), ("nhwc", NhwcCNN)):
        torch.manual_seed(0)
        models[name] = model_class(3, info["num_classes"])
        result = train_model(models[name], task="classification", train_ds=train, val_ds=val,
                             cfg=_cfg(keep_best=False), out_dir=tmp_path / name,
                             log_fn=lambda *a: None, progress=False)  # fmt: skip
        curves[name] = [loss for _, loss, _ in result["loss_curve"]]
    trained = models["nhwc"].features[0].weight
    assert trained.is_contiguous(memory_format=torch.channels_last) and not trained.is_contiguous()
    assert not models["nchw"].features[0].weight.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(curves["nhwc"], curves["nchw"], rtol=1e-3, atol=1e-4)

    plain = TinyCNN(3, info["num_classes"])
    load_model(plain, str(tmp_path / "nhwc" / "checkpoints" / "latest" / "model.safetensors"))
    assert plain.features[0].weight.is_contiguous()
    images = torch.stack([val[i]["images"] for i in range(8)])
    with torch.no_grad():
        torch.testing.assert_close(plain.eval()(images), models["nhwc"].eval()(images))
