"""`metagen train` after train.py fails: a run directory synthesized for the call is removed
when nothing in it is worth keeping, and a checkpoint is kept for --resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from metagen.cli import UsageError
from metagen.train_cli import run_training


def _exits(code: int) -> list[str]:
    return [sys.executable, "-c", f"import sys; sys.exit({code})"]


def _run_dir(tmp_path, with_checkpoint: bool):
    run_dir = tmp_path / "run"
    (run_dir / "code").mkdir(parents=True)
    if with_checkpoint:
        latest = run_dir / "train" / "smoke" / "checkpoints" / "latest"
        latest.mkdir(parents=True)
        (latest / "model.safetensors").write_bytes(b"weights")
    return run_dir


@pytest.mark.parametrize("code", [1, 2, 137])
def test_a_fresh_run_that_fails_before_its_first_checkpoint_is_removed(tmp_path, code):
    run_dir = _run_dir(tmp_path, with_checkpoint=False)
    with pytest.raises(UsageError) as raised:
        run_training(run_dir, _exits(code), "smoke", fresh=True)
    assert not run_dir.exists()
    assert "removed" in str(raised.value)


def test_a_fresh_run_with_a_checkpoint_is_kept_for_resume(tmp_path):
    run_dir = _run_dir(tmp_path, with_checkpoint=True)
    with pytest.raises(UsageError) as raised:
        run_training(run_dir, _exits(1), "smoke", fresh=True)
    assert (run_dir / "train" / "smoke" / "checkpoints" / "latest").is_dir()
    assert f"metagen train {run_dir} --scale smoke --resume" in str(raised.value)
    assert "exit code 1" in str(raised.value)


@pytest.mark.parametrize(("code", "says"), [(1, "exit code 1"), (2, "rejected its input")])
@pytest.mark.parametrize("with_checkpoint", [False, True])
def test_a_run_dir_the_user_gave_is_never_removed(tmp_path, code, says, with_checkpoint):
    run_dir = _run_dir(tmp_path, with_checkpoint=with_checkpoint)
    with pytest.raises(UsageError) as raised:
        run_training(run_dir, _exits(code), "smoke", fresh=False)
    assert (run_dir / "code").is_dir()
    assert says in str(raised.value)
    # train.py exits 2 when it refuses its input (a damaged checkpoint too): no --resume advice
    assert ("--resume" in str(raised.value)) == (code == 1 and with_checkpoint)


def test_a_killed_saves_temp_folder_is_not_a_checkpoint(tmp_path):
    run_dir = _run_dir(tmp_path, with_checkpoint=False)
    stale = run_dir / "train" / "smoke" / "checkpoints" / ".latest.tmp-123"
    stale.mkdir(parents=True)
    (stale / "model.safetensors").write_bytes(b"half")
    with pytest.raises(UsageError):
        run_training(run_dir, _exits(1), "smoke", fresh=True)
    assert not run_dir.exists()


def test_a_tokenizer_for_a_model_that_reads_no_text_is_refused_and_leaves_nothing(tmp_path):
    from tests.cli.helpers import invoke
    from tests.paths import EXAMPLES

    (tmp_path / "tokenizer.json").write_text("{}", encoding="utf-8")
    spec = EXAMPLES / "image" / "digits_cnn.yaml"
    args = ("train", spec, "--out", tmp_path / "runs", "--run-id", "r")
    result = invoke(*args, "--tokenizer", tmp_path / "tokenizer.json")
    assert result.exit_code == 2
    assert "does not read text through a tokenizer" in " ".join(result.output.split())
    assert not (tmp_path / "runs" / "r").exists()
    result = invoke(*args, "--tokenizer", tmp_path / "missing.json")
    assert result.exit_code == 2 and "no such file" in result.output


def test_a_tokenizer_is_passed_to_train_py():
    from pathlib import Path

    from metagen.train_cli import train_command

    command = train_command(Path("r"), "full", None, "synthetic", None, False, False, None,
                            Path("t.json"))  # fmt: skip
    assert command[-2:] == ["--tokenizer", str(Path("t.json").resolve())]


def test_sigterm_to_metagen_stops_train_py_too(tmp_path):
    # run_training in a process of its own (as `metagen train` runs), its train.py a sleeper
    # that says its pid; SIGTERM to the first must end the second, not orphan it
    run_dir = _run_dir(tmp_path, with_checkpoint=False)
    child_pid = tmp_path / "child.pid"
    sleeper = (
        f"import os, pathlib, time; pathlib.Path({str(child_pid)!r}).write_text(str(os.getpid()));"
        " time.sleep(120)"
    )
    driver = (
        "import sys; from metagen.train_cli import run_training; "
        f"run_training(__import__('pathlib').Path({str(run_dir)!r}), "
        f"[sys.executable, '-c', {sleeper!r}], 'smoke', fresh=False)"
    )
    metagen = subprocess.Popen([sys.executable, "-c", driver], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not child_pid.exists() or not child_pid.read_text():
        assert time.monotonic() < deadline, "train.py never started"
        time.sleep(0.1)
    metagen.send_signal(signal.SIGTERM)
    _, stderr = metagen.communicate(timeout=30)
    assert metagen.returncode != 0
    assert "metagen was sent SIGTERM" in stderr
    pid = int(child_pid.read_text())
    with pytest.raises(ProcessLookupError):  # reaped by metagen's wait: gone
        os.kill(pid, 0)


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("--time-budget", "soon", "--time-budget 'soon' is not a duration. Write 90s, 2m or 1h."),
        ("--time-budget", "0s", "is not a duration"),
        ("--epochs", "0", "--epochs 0 must be at least 1."),
        ("--patience", "-1", "--patience -1 must be 0 (never stop early) or more."),
    ],
)
def test_a_bad_sizing_flag_is_refused_before_anything_is_written(flag, value, says, tmp_path):
    from tests.cli.helpers import invoke
    from tests.paths import EXAMPLES

    result = invoke("train", EXAMPLES / "tabular" / "tabular_classifier.yaml", "--out",
                    tmp_path / "runs", flag, value)  # fmt: skip
    assert result.exit_code == 2 and says in " ".join(result.output.split())
    assert not (tmp_path / "runs").exists()


def test_the_sizing_flags_are_passed_to_train_py():
    from pathlib import Path

    from metagen.train_cli import sizing_options, train_command

    sizing = sizing_options(" 2m ", 4, 0, True)
    assert sizing == ["--time-budget", "2m", "--epochs", "4", "--patience", "0", "--full-size"]
    command = train_command(Path("r"), "full", None, "synthetic", None, False, False, None, None,
                            sizing)  # fmt: skip
    assert command[-len(sizing) :] == sizing
