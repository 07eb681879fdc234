import json
import os
import signal
import subprocess
import sys

import pytest
import torch
from torch import nn

import metagen.train.checkpoint as checkpoint_module
from metagen.train.atomic import atomic_write_json
from metagen.train.checkpoint import (
    CheckpointLoadError,
    check_checkpoint,
    find_checkpoint,
    load_checkpoint,
    save_checkpoint,
)
from metagen.train.optim import configure_optimizer

torch.set_num_threads(1)


class TiedLM(nn.Module):
    def __init__(self, vocab=16, d=8):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.proj = nn.Linear(d, d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.embed.weight  # tied

    def forward(self, input_ids):
        return self.head(torch.tanh(self.proj(self.embed(input_ids))))


def _one_step(model, opt):
    loss = model(input_ids=torch.randint(0, 16, (2, 5))).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()


def test_round_trip_with_tied_weights_optimizer_and_rng(tmp_path):
    torch.manual_seed(0)
    model = TiedLM()
    opt = configure_optimizer(model, lr=1e-2, weight_decay=0.1)
    _one_step(model, opt)
    save_checkpoint(tmp_path, model=model, optimizer=opt, step=7, config={"a": 1}, extra={"b": 2})
    expected_draw = torch.rand(3)

    torch.manual_seed(123)
    restored = TiedLM()
    restored_opt = configure_optimizer(restored, lr=1e-2, weight_decay=0.1)
    info = load_checkpoint(tmp_path, model=restored, optimizer=restored_opt)
    assert info == {"step": 7, "config": {"a": 1}, "extra": {"b": 2}}
    assert torch.equal(torch.rand(3), expected_draw)  # RNG restored
    assert restored.head.weight is restored.embed.weight  # still tied after loading
    for key, value in model.state_dict().items():
        assert torch.equal(value, restored.state_dict()[key]), key
    torch.manual_seed(5)
    _one_step(model, opt)
    torch.manual_seed(5)
    _one_step(restored, restored_opt)  # same optimizer moments -> same update
    assert torch.equal(model.proj.weight, restored.proj.weight)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_compiled_module_is_saved_without_orig_mod_prefix(tmp_path):
    from safetensors.torch import load_file

    model = TiedLM()
    compiled = torch.compile(model)  # compiles lazily; never called here
    save_checkpoint(tmp_path, model=compiled, optimizer=None, step=0, config={})
    keys = load_file(tmp_path / "latest" / "model.safetensors").keys()
    assert keys and not any("_orig_mod" in k for k in keys)
    load_checkpoint(tmp_path, model=TiedLM())


def test_failed_save_leaves_previous_checkpoint_intact(tmp_path, monkeypatch):
    model = TiedLM()
    save_checkpoint(tmp_path, model=model, optimizer=None, step=1, config={})
    before = (tmp_path / "latest" / "model.safetensors").read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint_module.torch, "save", crash)
    with torch.no_grad():
        model.proj.weight.add_(1.0)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(tmp_path, model=model, optimizer=None, step=2, config={})
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == ["latest"]  # no temp folder left behind
    assert (tmp_path / "latest" / "model.safetensors").read_bytes() == before
    assert load_checkpoint(tmp_path, model=TiedLM())["step"] == 1


def test_crash_between_renames_still_finds_a_complete_checkpoint(tmp_path, monkeypatch):
    model = TiedLM()
    save_checkpoint(tmp_path, model=model, optimizer=None, step=1, config={})
    real_replace, calls = os.replace, []

    def replace_then_die(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # old checkpoint moved aside, new one not yet in place
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_then_die)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(tmp_path, model=model, optimizer=None, step=2, config={})
    monkeypatch.undo()
    assert not (tmp_path / "latest").exists()
    assert find_checkpoint(tmp_path) == tmp_path / ".latest.old"
    assert load_checkpoint(tmp_path, model=TiedLM())["step"] == 1
    save_checkpoint(tmp_path, model=model, optimizer=None, step=3, config={})
    assert sorted(os.listdir(tmp_path)) == ["latest"]
    assert load_checkpoint(tmp_path, model=TiedLM())["step"] == 3


def test_missing_checkpoint_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no complete checkpoint"):
        load_checkpoint(tmp_path, model=TiedLM())


class RunsCode:
    """Unpickling this calls os.system: what a planted checkpoint would do."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _damage(latest, case, marker):
    weights, state = latest / "model.safetensors", latest / "state.pt"
    if case == "planted pickle":
        torch.save({"step": RunsCode(marker)}, state)
        return state
    if case == "truncated state":
        state.write_bytes(state.read_bytes()[:200])
        return state
    if case == "empty state":
        state.write_bytes(b"")
        return state
    if case == "state of other parts":
        torch.save({"step": 1}, state)
        return state
    if case == "truncated weights":
        weights.write_bytes(weights.read_bytes()[:100])
        return weights
    if case == "weights header garbage":
        weights.write_bytes(b"\xff" * 8 + b"{not json")
        return weights
    raise AssertionError(case)


DAMAGE = [
    "planted pickle",
    "truncated state",
    "empty state",
    "state of other parts",
    "truncated weights",
    "weights header garbage",
]


@pytest.mark.parametrize("case", DAMAGE)
def test_damaged_checkpoint_is_an_error_naming_the_file(tmp_path, case):
    model, marker = TiedLM(), tmp_path / "code_ran"
    opt = configure_optimizer(model, lr=1e-2, weight_decay=0.1)
    save_checkpoint(tmp_path, model=model, optimizer=opt, step=3, config={})
    damaged = _damage(tmp_path / "latest", case, marker)
    with pytest.raises(CheckpointLoadError, match="train again") as raised:
        load_checkpoint(tmp_path, model=TiedLM(), optimizer=opt)
    assert str(damaged) in str(raised.value)
    assert "\n" not in str(raised.value)  # one paragraph
    assert not marker.exists()  # weights_only: the planted object never ran
    if case == "planted pickle":
        assert "refused" in str(raised.value)


@pytest.mark.parametrize("case", DAMAGE)
def test_the_early_check_refuses_the_same_damage_before_any_model_exists(tmp_path, case):
    """train.py --resume runs check_checkpoint before it builds data and model, so that a
    damaged checkpoint fails in about a second and 230 MB (torch's import) instead of 310."""
    save_checkpoint(tmp_path, model=TiedLM(), optimizer=None, step=3, config={})
    check_checkpoint(tmp_path)  # a good one passes
    damaged = _damage(tmp_path / "latest", case, tmp_path / "code_ran")
    with pytest.raises(CheckpointLoadError, match="train again") as raised:
        check_checkpoint(tmp_path)
    assert str(damaged) in str(raised.value)
    assert not (tmp_path / "code_ran").exists()


def test_the_early_check_passes_when_there_is_nothing_to_resume(tmp_path):
    assert check_checkpoint(tmp_path / "nothing") is None


def test_weights_of_another_model_do_not_fit(tmp_path):
    save_checkpoint(tmp_path, model=TiedLM(d=8), optimizer=None, step=1, config={})
    with pytest.raises(CheckpointLoadError, match="do not fit this model") as raised:
        load_checkpoint(tmp_path, model=TiedLM(d=12))
    assert str(tmp_path / "latest" / "model.safetensors") in str(raised.value)
    assert "size mismatch for embed.weight" in str(raised.value)


def test_a_save_removes_temp_folders_of_killed_saves(tmp_path):
    for stale in (".latest.tmp-4194999", f".latest.tmp-{os.getpid()}"):
        (tmp_path / stale).mkdir()
        (tmp_path / stale / "model.safetensors").write_bytes(b"half")
    (tmp_path / ".best.tmp-4194999").mkdir()  # another name's: a save of `best` clears it
    save_checkpoint(tmp_path, model=TiedLM(), optimizer=None, step=1, config={})
    assert sorted(os.listdir(tmp_path)) == [".best.tmp-4194999", "latest"]
    assert load_checkpoint(tmp_path, model=TiedLM())["step"] == 1


KILL_MID_SAVE = """
import os, signal, sys, torch
from torch import nn
from metagen.train.checkpoint import save_checkpoint
model = nn.Linear(3, 2)
save_checkpoint(sys.argv[1], model=model, optimizer=None, step=1, config={})
torch.save = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)  # weights written, state not
save_checkpoint(sys.argv[1], model=model, optimizer=None, step=2, config={})
"""


def test_kill_9_during_a_save_leaves_the_previous_checkpoint_loadable(tmp_path):
    killed = subprocess.run(
        [sys.executable, "-c", KILL_MID_SAVE, str(tmp_path)], capture_output=True, timeout=120
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    [stale] = [p for p in tmp_path.iterdir() if p.name.startswith(".latest.tmp-")]
    assert (stale / "model.safetensors").is_file() and not (stale / "state.pt").exists()
    assert load_checkpoint(tmp_path, model=nn.Linear(3, 2))["step"] == 1
    save_checkpoint(tmp_path, model=nn.Linear(3, 2), optimizer=None, step=3, config={})
    assert sorted(os.listdir(tmp_path)) == ["latest"]


def test_atomic_write_json(tmp_path):
    atomic_write_json(tmp_path / "sub" / "m.json", {"x": [1, 2.5]})
    assert json.loads((tmp_path / "sub" / "m.json").read_text()) == {"x": [1, 2.5]}
    assert os.listdir(tmp_path / "sub") == ["m.json"]
