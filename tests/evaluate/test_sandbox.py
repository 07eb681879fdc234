"""Code a model wrote runs only in evaluate/sandbox.py's child: hostile code cannot write,
rename or remove outside its temporary folder, start a process, reach the network or call a
native library; it sees none of the caller's environment; a loop that never ends is stopped;
and well-behaved code returns its output and the files it wrote."""

from __future__ import annotations

import importlib.util

import pytest

from metagen.evaluate.sandbox import run_untrusted


def _hostile(target) -> list[str]:
    """Scripts that each try to touch `target`, outside their folder."""
    return [
        f"open({str(target)!r}, 'w').write('x')",
        f"import pathlib; pathlib.Path({str(target)!r}).write_text('x')",
        f"import os; os.chdir('/'); open({str(target)!r}, 'a').write('x')",
        f"import os; fd = os.open({str(target)!r}, os.O_CREAT | os.O_WRONLY); os.write(fd, b'x')",
        f"import shutil; open('here.txt', 'w').write('x'); shutil.copy('here.txt', {str(target)!r})",
        f"import os; open('here.txt', 'w').write('x'); os.rename('here.txt', {str(target)!r})",
        f"import os; os.symlink({str(target)!r}, 'link'); open('link', 'w').write('x')",
        f"import subprocess; subprocess.run(['touch', {str(target)!r}])",
        f"import os; os.system('touch {target}')",
        f"import ctypes; ctypes.CDLL(None).system(b'touch {target}')",
        f"import ctypes; ctypes.CDLL('libc.so.6').system(b'touch {target}')",
        f"import os; d = os.open({str(target.parent)!r}, os.O_RDONLY); "
        f"os.close(os.open({target.name!r}, os.O_CREAT | os.O_WRONLY, dir_fd=d))",
    ]


@pytest.mark.parametrize("index", range(12))
def test_hostile_code_cannot_write_outside_its_folder(tmp_path, index) -> None:
    target = tmp_path / "outside.txt"
    result = run_untrusted(_hostile(target)[index], timeout=10)
    assert not target.exists()
    assert not result.finished and "sandbox:" in result.stderr


def test_hostile_code_cannot_remove_outside_its_folder(tmp_path) -> None:
    victim = tmp_path / "keep.txt"
    victim.write_text("mine")
    for code in (f"import os; os.remove({str(victim)!r})",
                 f"import shutil; shutil.rmtree({str(tmp_path)!r})"):  # fmt: skip
        result = run_untrusted(code, timeout=10)
        assert not result.finished and victim.read_text() == "mine"


def test_no_network_no_secrets_and_a_time_limit(monkeypatch) -> None:
    monkeypatch.setenv("METAGEN_TEST_SECRET", "hunter2")
    network = run_untrusted("import socket; socket.create_connection(('127.0.0.1', 9))")
    assert not network.finished and "socket" in network.stderr
    seen = run_untrusted("import os; print(sorted(os.environ))")
    assert seen.finished and "METAGEN_TEST_SECRET" not in seen.stdout
    assert "hunter2" not in seen.stdout
    looping = run_untrusted("while True:\n    pass\n", timeout=1.5)
    assert looping.timed_out and not looping.finished


def test_well_behaved_code_returns_its_output_and_files() -> None:
    result = run_untrusted("import os\nos.makedirs('out')\nopen('out/a.txt', 'w').write('hi')\n"
                           "print(os.getcwd() == os.environ['HOME'])\n")  # fmt: skip
    assert result.finished and result.stdout.strip() == "True"
    assert result.files == {"out/a.txt": b"hi"}
    failing = run_untrusted("raise ValueError('no')")
    assert not failing.finished and failing.returncode == 1 and "ValueError: no" in failing.stderr


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None, reason="needs matplotlib")
def test_a_matplotlib_script_draws_in_the_sandbox() -> None:
    result = run_untrusted("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot "
                           "as plt\nplt.bar(['a', 'b'], [1, 3])\nplt.savefig('chart.png')\n",
                           timeout=60)  # fmt: skip
    assert result.finished, result.stderr
    assert result.files["chart.png"].startswith(b"\x89PNG")
