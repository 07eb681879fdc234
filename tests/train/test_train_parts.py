import io
import math

import pytest
import torch
from torch import nn

from metagen.tasks.runtime import LOSSES
from metagen.train.distributed import DistInfo, setup_distributed, shard_indices
from metagen.train.optim import configure_optimizer
from metagen.train.precision import autocast_context, resolve_precision
from metagen.train.progress import ProgressBar
from metagen.train.schedule import lr_at

torch.set_num_threads(1)


def test_lr_schedule_warmup_then_cosine():
    kw = {"base_lr": 1.0, "warmup_steps": 10, "total_steps": 110, "min_lr_ratio": 0.1}
    assert lr_at(0, **kw) == pytest.approx(0.1)
    assert lr_at(4, **kw) == pytest.approx(0.5)
    assert lr_at(9, **kw) == pytest.approx(1.0)
    assert lr_at(10, **kw) == pytest.approx(1.0)
    assert lr_at(60, **kw) == pytest.approx(0.1 + 0.9 * 0.5)  # halfway through the cosine
    assert lr_at(35, **kw) == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi / 4)))
    assert lr_at(110, **kw) == pytest.approx(0.1)
    assert lr_at(500, **kw) == pytest.approx(0.1)
    lrs = [lr_at(s, **kw) for s in range(10, 111)]
    assert all(a >= b for a, b in zip(lrs, lrs[1:], strict=False))
    assert lr_at(0, base_lr=3e-4, warmup_steps=0, total_steps=10) == pytest.approx(3e-4)


class TiedNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.norm = nn.LayerNorm(4)
        self.head = nn.Linear(4, 10, bias=True)
        self.head.weight = self.embed.weight


def test_optimizer_decays_matrices_only_and_lists_tied_weights_once():
    model = TiedNet()
    opt = configure_optimizer(model, lr=1e-3, weight_decay=0.1)
    decay, no_decay = opt.param_groups
    assert decay["weight_decay"] == 0.1 and no_decay["weight_decay"] == 0.0
    assert [p.shape for p in decay["params"]] == [torch.Size([10, 4])]
    assert sorted(p.numel() for p in no_decay["params"]) == [4, 4, 10]  # norm w/b, head bias
    assert opt.defaults["betas"] == (0.9, 0.95) and isinstance(opt, torch.optim.AdamW)


def test_one_optimizer_step_changes_every_trainable_parameter():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.Linear(8, 3))
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    opt = configure_optimizer(model, lr=1e-2, weight_decay=0.1)
    model(torch.randn(5, 4)).pow(2).mean().backward()
    opt.step()
    for name, p in model.named_parameters():
        assert not torch.equal(before[name], p), f"{name} did not change"


def test_precision_resolution_and_contexts():
    assert resolve_precision("cpu", "auto") == "fp32"
    assert resolve_precision("cpu", "bf16") == "bf16"
    with pytest.raises(ValueError, match="precision"):
        resolve_precision("cpu", "fp8")
    x = torch.randn(4, 4)
    with autocast_context("cpu", "auto"):
        assert (x @ x).dtype == torch.float32
    with autocast_context("cpu", "bf16"):
        assert (x @ x).dtype == torch.bfloat16


def test_losses_registry():
    logits = torch.randn(2, 3, 7)
    targets = torch.randint(0, 7, (2, 3))
    lm = LOSSES["language_modeling"](logits, {"targets": targets})
    expected = torch.nn.functional.cross_entropy(logits.reshape(6, 7), targets.reshape(6))
    torch.testing.assert_close(lm, expected)
    cls_logits, labels = torch.randn(5, 4), torch.tensor([0, 1, 2, 3, 0])
    plain = LOSSES["classification"](cls_logits, {"labels": labels})
    smooth = LOSSES["classification"](cls_logits, {"labels": labels}, label_smoothing=0.1)
    torch.testing.assert_close(plain, torch.nn.functional.cross_entropy(cls_logits, labels))
    assert not torch.allclose(plain, smooth)


def test_progress_bar_prints_one_line_per_ten_percent_off_a_tty():
    stream = io.StringIO()
    bar = ProgressBar(50, stream=stream, every_percent=10)
    for step in range(1, 51):
        bar.update(step, loss=1.0 / step, lr=1e-3)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[-1].startswith("[########################] 50/50")
    assert "loss 0.02" in lines[-1] and "it/s" in lines[-1] and "eta" in lines[-1]


def test_progress_bar_prints_every_few_seconds_between_percentages_off_a_tty():
    stream, now = io.StringIO(), [0.0]
    bar = ProgressBar(10_000, stream=stream, every_percent=10, every_seconds=5.0,
                      clock=lambda: now[0])  # fmt: skip
    for step in range(1, 31):  # 2 s a step: far from the first 10%
        now[0] += 2.0
        bar.update(step, loss=0.5)
    steps = [line.split("] ")[1].split("/")[0] for line in stream.getvalue().splitlines()]
    assert steps == [str(s) for s in range(3, 31, 3)]  # a line as each 5 s passes
    assert "0.50 it/s" in stream.getvalue().splitlines()[-1]


def test_progress_bar_prints_the_last_step_once_whatever_the_interval():
    stream = io.StringIO()
    bar = ProgressBar(10, stream=stream, every_percent=30)
    for step in (*range(1, 11), 10):  # the last step reported twice, as a resumed run may
        bar.update(step, loss=0.5)
    lines = stream.getvalue().splitlines()
    assert [line.split("] ")[1].split(" ")[0] for line in lines] == [
        "3/10",
        "6/10",
        "9/10",
        "10/10",
    ]


def test_progress_bar_redraws_in_place_on_a_tty():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = ProgressBar(3, stream=stream)
    for step in (1, 2, 3):
        bar.update(step, loss=0.5)
    bar.close()
    assert stream.getvalue().startswith("\r[") and stream.getvalue().endswith("\n")
    assert stream.getvalue().count("\n") == 1 and "3/3" in stream.getvalue()


def test_single_process_distributed_info_and_sharding(monkeypatch):
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(key, raising=False)
    info = setup_distributed(device="cpu")
    assert (info.rank, info.world_size, info.is_main, info.device) == (0, 1, True, "cpu")
    order = shard_indices(10, info, epoch=0, seed=0)
    assert sorted(order) == list(range(10)) and order == shard_indices(10, info, epoch=0, seed=0)
    assert order != shard_indices(10, info, epoch=1, seed=0)
    ranks = [DistInfo(rank=r, world_size=2) for r in range(2)]
    shards = [shard_indices(11, d, epoch=0, seed=0) for d in ranks]
    assert len(shards[0]) == len(shards[1]) == 5 and not set(shards[0]) & set(shards[1])
