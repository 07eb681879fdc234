"""Run code that a model wrote, never in this process: a child Python (isolated mode: no user
site, no PYTHON* variables) in a fresh temporary folder, with an empty environment, a time
limit and memory and CPU limits, under an audit hook (PEP 578) that refuses, before it
happens:

- writing, creating, renaming or removing a file outside the temporary folder, and opening a
  folder outside it (whose descriptor would let dir_fd= calls write there);
- starting a process, and opening a network connection or looking up a host;
- loading a native library, or finding or calling a function in one, through ctypes (a way
  around the hook).

Reading files is allowed: a script may import what is installed. The hook guards against code
that misbehaves, not against a determined attacker with an interpreter exploit; the time
limit and the folder are the rest of the fence. `run_untrusted` returns what the child
printed, the files it left in its folder, and whether it finished."""

import dataclasses
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

SANDBOX_MEMORY_BYTES = 2 * 1024**3
SANDBOX_OUTPUT_CHARS = 4000  # of stdout and of stderr, the end kept
SANDBOX_CONFIG = ".config"
# The child: installs the hook, then runs the code read from stdin as __main__.
_SANDBOX_RUNNER = r"""
import os, sys
ROOT = os.path.realpath(sys.argv[1]) + os.sep
WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
PATH_EVENTS = {"os.remove", "os.rmdir", "os.rename", "os.replace", "os.mkdir", "os.chmod",
               "os.chown", "os.symlink", "os.link", "os.truncate", "os.utime", "shutil.rmtree",
               "shutil.copyfile", "shutil.move", "os.unlink"}
REFUSED = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
           "os.forkpty", "pty.spawn", "socket.connect", "socket.bind", "socket.getaddrinfo",
           "socket.gethostbyname", "ctypes.dlsym", "ctypes.call_function", "ctypes.cdata",
           "os.kill", "os.startfile"}

def inside(path):
    if isinstance(path, int):  # an open file descriptor
        return True
    real = os.path.realpath(os.fsdecode(path)) + os.sep
    return real.startswith(ROOT)

def hook(event, args):
    # importing ctypes (numpy does) opens the interpreter itself; any other library, looking
    # up a symbol or calling one is refused
    if event in REFUSED or event == "ctypes.dlopen" and args[0] is not None:
        raise PermissionError(f"sandbox: {event} is not allowed")
    if event == "open":
        path, mode, flags = args
        writes = (mode and any(c in mode for c in "wax+")) or (flags or 0) & WRITES
        if writes and path is not None and not inside(path):
            raise PermissionError(f"sandbox: writing {path} is not allowed")
        # a descriptor of an outside folder would let dir_fd= calls write there (imports list
        # folders without opening them)
        if path is not None and not inside(path) and os.path.isdir(os.fsdecode(path)):
            raise PermissionError(f"sandbox: opening the folder {path} is not allowed")
    elif event in PATH_EVENTS:
        for path in args[:2]:
            if isinstance(path, (str, bytes, os.PathLike)) and not inside(path):
                raise PermissionError(f"sandbox: {event} on {path} is not allowed")

code = sys.stdin.read()
os.chdir(ROOT)
sys.addaudithook(hook)
exec(compile(code, "<generated>", "exec"), {"__name__": "__main__"})
"""


@dataclasses.dataclass
class SandboxResult:
    finished: bool  # ran to the end with exit code 0, within the time limit
    timed_out: bool
    returncode: int | None
    stdout: str
    stderr: str
    files: dict[str, bytes]  # what the code left in its folder, by relative path


def _limit_resources(seconds: float) -> None:
    """The child's limits (POSIX resource limits, set between fork and exec)."""
    resource.setrlimit(resource.RLIMIT_AS, (SANDBOX_MEMORY_BYTES, SANDBOX_MEMORY_BYTES))
    cpu = int(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def run_untrusted(code: str, timeout: float = 10.0) -> SandboxResult:
    """Run `code` as a script in a sandboxed child (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="metagen-sandbox-") as folder:
        config = str(Path(folder) / SANDBOX_CONFIG)  # matplotlib's caches, not the code's output
        env = {"PATH": "/usr/bin:/bin", "HOME": folder, "TMPDIR": folder, "MPLBACKEND": "Agg",
               "MPLCONFIGDIR": config}  # fmt: skip
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-c", _SANDBOX_RUNNER, folder], input=code, text=True,
                capture_output=True, env=env, cwd=folder, timeout=timeout, preexec_fn=lambda: _limit_resources(timeout),
            )  # fmt: skip
        except subprocess.TimeoutExpired as expired:
            return SandboxResult(
                False, True, None, _tail(expired.stdout), _tail(expired.stderr), {}
            )
        files = {
            str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(Path(folder).rglob("*"))
            if path.is_file()
            and not path.is_symlink()
            and SANDBOX_CONFIG not in path.relative_to(folder).parts
        }
        return SandboxResult(done.returncode == 0, False, done.returncode, _tail(done.stdout),
                             _tail(done.stderr), files)  # fmt: skip


def _tail(text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return (text or "")[-SANDBOX_OUTPUT_CHARS:]
