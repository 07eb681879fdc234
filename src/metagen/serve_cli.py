"""`metagen serve RUN`: the run's own infer.py behind a FastAPI app under uvicorn, on
localhost unless --host says otherwise. The app lives in metagen.serve; this only checks the
flags, binds the port and starts it."""

from __future__ import annotations

import socket
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from metagen.cli import app, err, fail, guarded, labelled, require_script
from metagen.serve.limits import DEFAULT_MAX_BATCH, DEFAULT_MAX_BYTES, DEFAULT_WAIT_MS, Limits

LOCALHOST = "127.0.0.1"
DEFAULT_PORT = 8000


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound and listening on host:port (port 0: any free one), or a one-line exit."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except (OSError, OverflowError) as error:
        fail(f"cannot listen on {host}:{port} ({error}); pick another --port or --host.")
    raise AssertionError("unreachable")


@app.command()
def serve(
    run_dir: Annotated[Path, typer.Argument(help="A trained run directory.")],
    port: Annotated[int, typer.Option(help="The port to listen on (0: any free one).")] = (
        DEFAULT_PORT
    ),
    host: Annotated[
        str, typer.Option(help="The address to listen on; 0.0.0.0 opens it to the network.")
    ] = LOCALHOST,
    scale: Annotated[
        str | None, typer.Option(help="full or smoke (default: the last trained).")
    ] = None,
    max_bytes: Annotated[int, typer.Option(help="The largest upload a request may make.")] = (
        DEFAULT_MAX_BYTES
    ),
    max_batch: Annotated[int, typer.Option(help="Inputs predicted together at most.")] = (
        DEFAULT_MAX_BATCH
    ),
    batch_wait_ms: Annotated[
        float, typer.Option(help="How long a request waits for others to share its batch.")
    ] = DEFAULT_WAIT_MS,
) -> None:
    """Serve a trained run: POST /predict (an upload, or JSON {"text": ...} for text models),
    GET /health, and an upload page at /. Concurrent requests are predicted in batches."""
    if not 0 <= port <= 65535:
        fail(f"--port {port}: give a port from 0 to 65535.")
    for flag, value in (("--max-bytes", max_bytes), ("--max-batch", max_batch)):
        if value < 1:
            fail(f"{flag} {value}: give at least 1.")
    if batch_wait_ms < 0:
        fail(f"--batch-wait-ms {batch_wait_ms}: give 0 or more.")
    require_script(run_dir, "infer.py")
    try:
        import uvicorn

        from metagen.serve.app import create_app
        from metagen.serve.served_run import load_run
    except ImportError as error:
        fail(f"serving needs FastAPI and uvicorn ({error}): pip install 'metagen[serve]'.")
    listening = listening_socket(host, port)
    try:
        run = guarded(lambda: load_run(run_dir, scale))
    except (ValueError, KeyError, OSError) as error:
        fail(f"{run_dir.name} cannot be served: {error}")
    limits = Limits(max_bytes=max_bytes, max_batch=max_batch, wait_ms=batch_wait_ms)
    bound_host, bound_port = listening.getsockname()[:2]
    shown_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    err.print(labelled("serving", "green", f"{run.name} ({run.task}, {run.parameters:,} "
                       f"parameters) on http://{shown_host}:{bound_port}/"))  # fmt: skip
    sys.stderr.flush()
    with tempfile.TemporaryDirectory(prefix="metagen-serve-") as work:
        config = uvicorn.Config(create_app(run, limits, Path(work)), log_level="info")
        uvicorn.Server(config).run(sockets=[listening])
