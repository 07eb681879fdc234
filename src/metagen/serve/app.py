"""The FastAPI app: `GET /` (the upload page), `GET /health`, `POST /predict` (the rows of the
run's own predict, as JSON) and `GET /files/...` (predictions that are files). Bad input is a
4xx with a one-line `detail`, and the server goes on answering."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from metagen.serve.batching import Batcher, Predicted
from metagen.serve.limits import Limits
from metagen.serve.page import upload_page
from metagen.serve.served_run import ServedRun
from metagen.serve.uploads import Upload, uploads_of


def file_urls(value: object, folder: Path, outputs: Path) -> object:
    """`value` with every path of a file predict wrote (into `folder`) made a URL under
    /files/, nested lists and objects too."""
    if isinstance(value, dict):
        return {key: file_urls(item, folder, outputs) for key, item in value.items()}
    if isinstance(value, list):
        return [file_urls(item, folder, outputs) for item in value]
    written = written_file(value, folder) if isinstance(value, str) else None
    return value if written is None else "/files/" + written.relative_to(outputs).as_posix()


def written_file(text: str, folder: Path) -> Path | None:
    """The file in `folder` that `text` names (absolute, or relative to `folder`), if any."""
    try:  # most strings are labels or generated text, which name no file (or no valid path)
        path = (folder / text).resolve()
        return path if path.is_relative_to(folder) and path.is_file() else None
    except (OSError, ValueError):
        return None


def shown(predicted: Predicted, upload: Upload, saved: Path, outputs: Path) -> list[dict]:
    """predict's rows as the client sees them: the input by the name it was uploaded under
    (`saved` was its name here), and output files as URLs."""
    rows = []
    for row in predicted.rows:
        given = str(row["input"]).replace(str(saved), upload.name, 1)
        urls = {key: file_urls(value, predicted.folder, outputs) for key, value in row.items()}
        rows.append({**urls, "input": given})
    return rows


def create_app(run: ServedRun, limits: Limits, work: Path) -> FastAPI:
    """The app for `run`; uploads and output files live under `work` while it serves."""
    inputs, outputs = (work / "inputs").resolve(), (work / "outputs").resolve()
    inputs.mkdir(parents=True, exist_ok=True)
    batcher = Batcher(run.predict_batch, outputs, limits.max_batch, limits.wait_ms)
    numbers = itertools.count()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        batching = asyncio.create_task(batcher.run())
        yield
        batching.cancel()
        batcher.close()

    # no /docs or /redoc: they load their scripts from a CDN
    app = FastAPI(title=f"metagen serve: {run.name}", lifespan=lifespan, docs_url=None,
                  redoc_url=None)  # fmt: skip

    @app.get("/", response_class=HTMLResponse)
    async def page() -> str:
        return upload_page(run.name, run.task, run.suffixes)

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok", "run": run.name, "task": run.task, "parameters": run.parameters,
                "inputs": list(run.suffixes), "limits": asdict(limits),
                "batching": asdict(batcher.stats)}  # fmt: skip

    @app.post("/predict")
    async def predict(request: Request) -> dict:
        uploads = await uploads_of(request, run.suffixes, limits.max_bytes)
        saved = []
        for upload in uploads:  # stored under a fresh name: uploads may share one
            saved.append(inputs / f"{next(numbers)}{upload.suffix}")
            saved[-1].write_bytes(upload.content)
        try:
            outcomes = await asyncio.gather(*(batcher.predict(path) for path in saved),
                                            return_exceptions=True)  # fmt: skip
        finally:
            for path in saved:
                path.unlink(missing_ok=True)
        for upload, path, outcome in zip(uploads, saved, outcomes, strict=True):
            if isinstance(outcome, ValueError):  # predict's word for corrupt input
                raise HTTPException(422, str(outcome).replace(str(path), upload.name))
            if isinstance(outcome, BaseException):
                raise HTTPException(500, f"{upload.name}: prediction failed "
                                         f"({type(outcome).__name__}: {outcome})")  # fmt: skip
        predicted = [o for o in outcomes if isinstance(o, Predicted)]
        matched = zip(predicted, uploads, saved, strict=True)
        rows = [row for p, u, path in matched for row in shown(p, u, path, outputs)]
        return {"predictions": rows, "batch_sizes": [p.batch_size for p in predicted]}

    @app.get("/files/{name:path}")
    async def output_file(name: str) -> FileResponse:
        path = (outputs / name).resolve()
        if not path.is_relative_to(outputs) or not path.is_file():
            raise HTTPException(404, f"no prediction file {name} (only recent ones are kept)")
        return FileResponse(path)

    return app
