"""Progressive training (spec training.stages, train/stages.py): each stage changes only the
parts it trains, frozen parts keep their batch-norm statistics too, each stage has its own
learning-rate schedule, a run resumes mid-stage on the same curve, and the metrics record
every stage."""

import pytest
import torch
from torch import nn

from metagen.tasks.runtime import LOSSES, build_datasets, train_model
from metagen.train.loop import _set_lr
from metagen.train.loop import train_model as loop_train_model
from metagen.train.stages import Staging

torch.set_num_threads(1)

STAGES = [
    {"name": "features", "steps": 6, "train": ["features", "head"], "lr": None},
    {"name": "neck", "steps": 6, "train": ["neck"], "lr": 1e-3},
    {"name": "everything", "steps": 6, "train": "all", "lr": None},
]


class PartedCNN(nn.Module):
    """Three parts, with batch norm in the first, and dropout and a fixed bias in the second."""

    def __init__(self, num_classes: int, width: int = 8):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.AdaptiveAvgPool2d(4), nn.Flatten(),
        )  # fmt: skip
        self.neck = nn.Sequential(nn.Linear(16 * width, 32), nn.ReLU(), nn.Dropout(0.1))
        self.neck[0].bias.requires_grad_(False)  # the model's own choice: no stage trains it
        self.head = nn.Linear(32, num_classes)

    def forward(self, images):
        return self.head(self.neck(self.features(images)))


def _cfg(**overrides):
    cfg = {"steps": 18, "batch_size": 16, "lr": 3e-3, "min_lr_ratio": 0.1, "warmup_steps": 2,
           "weight_decay": 0.1, "grad_clip": 1.0, "eval_every": 100, "eval_batches": 2,
           "checkpoint_every": 100, "seed": 0, "stages": STAGES}  # fmt: skip
    return {**cfg, **overrides}


@pytest.fixture(scope="module")
def image_data():
    data_cfg = {"image_size": 16, "channels": 3, "num_train": 400, "num_val": 64}
    return build_datasets("classification", data_cfg, "synthetic", 0)


def _train(data, out_dir, model=None, **options):
    train, val, info = data
    if model is None:
        torch.manual_seed(0)
        model = PartedCNN(info["num_classes"])
    result = train_model(model, task="classification", train_ds=train, val_ds=val,
                         cfg=options.pop("cfg", _cfg()), out_dir=out_dir,
                         log_fn=lambda *a: None, progress=False, **options)  # fmt: skip
    return model, result


def _snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
    """Every parameter and buffer, copied."""
    return {name: t.detach().clone() for name, t in model.state_dict().items()}


def _changed_parts(before: dict, after: dict) -> dict[str, bool]:
    """Per top-level part: did any of its parameters or buffers change."""
    parts: dict[str, bool] = {}
    for name, tensor in before.items():
        part = name.split(".")[0]
        parts[part] = parts.get(part, False) or not torch.equal(tensor, after[name])
    return parts


def test_each_stage_changes_only_the_parts_it_trains(image_data, tmp_path):
    """Stopped at each stage's end (checkpointed, then resumed), the parts frozen in that
    stage are bit for bit as they were, batch-norm statistics included; the others moved."""
    torch.manual_seed(0)
    before, changed = _snapshot(PartedCNN(image_data[2]["num_classes"])), []
    for index, end in enumerate([6, 12, 18]):  # a fresh model each time, as a resume has
        model, _ = _train(image_data, tmp_path, stop_at_step=end, resume=index > 0)
        after = _snapshot(model)
        changed.append(_changed_parts(before, after))
        before = after
    assert changed[0] == {"features": True, "neck": False, "head": True}
    assert changed[1] == {"features": False, "neck": True, "head": False}
    assert changed[2] == {"features": True, "neck": True, "head": True}


def test_stages_resume_mid_stage_on_the_same_curve(image_data, tmp_path):
    _, full = _train(image_data, tmp_path / "full")
    _train(image_data, tmp_path / "resumed", stop_at_step=9)  # in the middle of stage 2
    model, resumed = _train(image_data, tmp_path / "resumed", resume=True)
    assert resumed["resumed_from_step"] == 9
    assert resumed["loss_curve"] == full["loss_curve"]
    assert resumed["stages"] == full["stages"]
    frozen_in_last = [n for n, p in model.named_parameters() if not p.requires_grad]
    assert frozen_in_last == ["neck.0.bias"]  # the last stage trains all but the fixed


def test_metrics_record_each_stage(image_data, tmp_path):
    model, result = _train(image_data, tmp_path)
    stages = result["stages"]
    assert [s["name"] for s in stages] == ["features", "neck", "everything"]
    assert [(s["first_step"], s["last_step"]) for s in stages] == [(1, 6), (7, 12), (13, 18)]
    assert [s["frozen"] for s in stages] == [["neck"], ["features", "head"], []]
    sizes = {part: sum(p.numel() for p in getattr(model, part).parameters() if p.requires_grad)
             for part in ("features", "neck", "head")}  # fmt: skip
    assert sizes["neck"] == 128 * 32  # its bias is fixed, in every stage
    assert [s["trainable_parameters"] for s in stages] == [
        sizes["features"] + sizes["head"],
        sizes["neck"],
        sum(sizes.values()),
    ]
    assert [[point[0] for point in s["loss_curve"]] for s in stages] == [
        list(range(1, 7)),
        list(range(7, 13)),
        list(range(13, 19)),
    ]
    # each stage is evaluated at its end, though eval_every (100) never falls in the run
    assert [e["step"] for e in result["evals"]] == [6, 12, 18]
    assert all(s["eval"]["num_samples"] > 0 for s in stages)


def test_each_stage_warms_up_and_decays_from_its_own_peak():
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.0)
    staging = Staging(STAGES)
    lrs = [_set_lr(optimizer, _cfg(warmup_steps=3), step, staging) for step in range(18)]
    # a stage of 6 steps caps warmup at 6 // 10 = 0 steps: each starts at its peak
    assert lrs[0] == pytest.approx(3e-3) and lrs[6] == pytest.approx(1e-3)
    assert lrs[12] == pytest.approx(3e-3)
    assert lrs[5] < lrs[0] and lrs[11] < lrs[6]  # each decays within its stage
    assert lrs[5] >= 0.1 * 3e-3 - 1e-12  # to no less than min_lr_ratio of its peak


def test_a_stage_naming_a_missing_part_is_refused(image_data, tmp_path):
    stages = [{"name": "one", "steps": 18, "train": ["encoders"], "lr": None}]
    with pytest.raises(ValueError, match="trains encoders, which this model does not have"):
        _train(image_data, tmp_path, cfg=_cfg(stages=stages))
    with pytest.raises(ValueError, match="2 steps cannot run 3 stages"):
        _train(image_data, tmp_path, cfg=_cfg(steps=2))


def test_a_run_of_other_length_shares_its_steps_among_the_stages(image_data, tmp_path):
    """--steps or an epoch cap changes the run's length: the stages keep their proportions."""
    _, result = _train(image_data, tmp_path, cfg=_cfg(steps=20))
    spans = [(s["first_step"], s["last_step"]) for s in result["stages"]]
    assert spans == [(1, 7), (8, 14), (15, 20)] and result["steps"] == 20
    for planned, shares in (((1, 1, 98), [1, 1, 2]), ((50, 50, 1), [1, 2, 1])):
        staging = Staging([{**s, "steps": n} for s, n in zip(STAGES, planned, strict=True)])
        staging.start(PartedCNN(3), 4, log=lambda *a: None)  # every stage keeps a step
        assert [s["steps"] for s in staging.stages] == shares


def _vlm_plan(first_stage: str):
    """The plan of a small early-fusion VLM trained in two stages: `first_stage` (YAML flow
    mapping), then everything."""
    from metagen.planning import make_blueprint
    from metagen.spec import parse_spec_text

    return make_blueprint(parse_spec_text(
        'name: v\nmodality: {inputs: [text, image], outputs: [text], image: {image_size: 32, '
        'patch_size: 8}}\nconstraints: {parameter_budget: {max: "8M"}, context_window: 32}\n'
        f"training:\n  objective: [autoregressive]\n  stages:\n    - {first_stage}\n"
        "    - {name: all, steps: 10}\narchitecture: {family: transformer, fusion: early}\n"
    ))  # fmt: skip


def _first_vlm_stage(bp, out_dir, wrap=lambda dataset: dataset) -> dict[str, bool]:
    """Train the plan's smoke VLM through its first stage on `wrap` of the built-in
    captions; per part, whether it changed."""
    from metagen.archs.build import build_from_dims

    smoke = bp.scales["smoke"]
    train, val, _ = build_datasets(
        "vlm", {**smoke.data, "num_train": 64, "num_val": 16}, "synthetic", 0
    )
    cfg = {**smoke.train, "batch_size": 8, "eval_batches": 1, "eval_every": 100}
    cfg.pop("precision", None)
    torch.manual_seed(0)
    model = build_from_dims("vlm", smoke.model)
    before = _snapshot(model)
    train_model(model, task="vlm", train_ds=wrap(train), val_ds=val, cfg=cfg, out_dir=out_dir,
                log_fn=lambda *a: None, progress=False,
                stop_at_step=cfg["stages"][0]["steps"])  # fmt: skip
    return _changed_parts(before, _snapshot(model))


def test_a_vlm_stage_leaves_its_language_model_unchanged(tmp_path) -> None:
    """The image-to-code guide's stage 2: the vision encoder and connector learn while the
    language model stays frozen, bit for bit; then everything learns."""
    bp = _vlm_plan("{name: vision, steps: 20, train: [vision_encoder, connector]}")
    changed = _first_vlm_stage(bp, tmp_path)
    assert changed["language_model"] is False
    assert changed["vision_encoder"] and changed["connector"]


class _NaNImages(torch.utils.data.Dataset):
    """The captions of `dataset` with images of NaN: any loss that reads them is NaN."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, index):
        item = self.dataset[index]
        return {**item, "images": torch.full_like(item["images"], float("nan"))}


def test_a_vlm_stage_on_text_alone_never_reads_the_image(tmp_path) -> None:
    """The image-to-code guide's stage 1: the language model alone learns the text. Its
    images are NaN here, so a stage that fed them would stop on a NaN loss; the image side
    stays unchanged, bit for bit."""
    bp = _vlm_plan("{name: text, steps: 20, train: [language_model], inputs: [text]}")
    assert [s["leave_out"] for s in bp.scales["smoke"].train["stages"]] == [["images"], []]
    assert any("text (20 steps: trains language_model on text alone" in d for d in bp.decisions)
    changed = _first_vlm_stage(bp, tmp_path, _NaNImages)
    assert changed["language_model"] is True
    assert changed["vision_encoder"] is False and changed["connector"] is False


def test_a_vlm_without_images_is_its_language_model() -> None:
    """Without images the VLM's text passes through its language model alone: RoPE's
    attention reads only relative positions, so starting after the image's positions gives
    the plain LM's logits."""
    from metagen.archs.vlm.model import VLM, VLMConfig

    torch.manual_seed(0)
    config = VLMConfig(image_size=16, patch_size=8, vision_d_model=32, vision_n_layers=1,
                       vision_n_heads=2, vision_d_ff=64, context_length=24, d_model=32,
                       n_layers=2, n_heads=4, n_kv_heads=2, d_ff=64)  # fmt: skip
    model = VLM(config).eval()
    ids = torch.randint(config.vocab_size, (2, 10))
    with torch.no_grad():
        torch.testing.assert_close(model(input_ids=ids), model.language_model(ids),
                                   rtol=1e-4, atol=1e-5)  # fmt: skip


def test_a_stage_leaving_out_what_the_model_needs_is_refused() -> None:
    from metagen.blueprint.model import PlanError

    with pytest.raises(PlanError, match="leaves out text, which this vlm cannot run without"):
        _vlm_plan("{name: one, steps: 20, train: [language_model], inputs: [image]}")
    with pytest.raises(PlanError, match="feeds audio, which the spec"):
        _vlm_plan("{name: one, steps: 20, train: [language_model], inputs: [text, audio]}")


def test_a_staged_run_trains_every_stage_to_its_end(image_data, tmp_path):
    """Patience and the best weights do not apply across stages: a worse evaluation after an
    earlier stage's best neither stops the run nor brings that stage's weights back."""
    accuracies = iter([0.9, 0.1, 0.1, 0.1, 0.1, 0.1])

    def worse_after_the_first(model, batches, device):
        for _ in batches:
            pass
        return {"loss": 1.0, "accuracy": next(accuracies, 0.1)}

    train, val, info = image_data
    torch.manual_seed(0)
    model = PartedCNN(info["num_classes"])
    result = loop_train_model(model, task="classification", loss_fn=LOSSES["classification"],
                              evaluator=worse_after_the_first, train_ds=train, val_ds=val,
                              cfg=_cfg(patience=1), out_dir=tmp_path, log_fn=lambda *a: None,
                              progress=False, staging=Staging(STAGES),
                              monitor=("accuracy", True))  # fmt: skip
    assert result["steps"] == 18 and result["stop_reason"] == "steps"
    assert result["restored_best_step"] is None and result["eval_step"] == 18
