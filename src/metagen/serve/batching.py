"""Requests that arrive together are predicted together. The first input waits a few
milliseconds for others to join it (up to the largest batch), then the batch is predicted
in one `predict` call in a worker thread, so the event loop keeps answering meanwhile.
Inputs queued while a batch is predicted form the next one."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# batches whose output files (masks, pictures, audio) stay downloadable; older ones are deleted
KEPT_BATCHES = 64

log = logging.getLogger("metagen.serve")


@dataclass(frozen=True)
class Predicted:
    rows: list[dict]  # one input file may hold several inputs (a JSONL of prompts)
    batch_size: int  # the input files predicted in the same predict call
    folder: Path  # where predict wrote this batch's output files


@dataclass
class Job:
    file: Path
    done: asyncio.Future


@dataclass
class BatchStats:
    requests: int = 0  # inputs predicted
    batches: int = 0  # predict calls
    largest_batch: int = 0
    sizes: list[int] = field(default_factory=list)  # of the last KEPT_BATCHES batches


class Batcher:
    """Predicts queued files in batches with `predict_batch(files, folder)`, writing each
    batch's output files into its own folder under `outputs`."""

    def __init__(
        self,
        predict_batch: Callable[[list[Path], Path], list[dict]],
        outputs: Path,
        max_batch: int,
        wait_ms: float,
    ) -> None:
        self.predict_batch = predict_batch
        self.outputs = outputs
        self.max_batch = max_batch
        self.wait_s = wait_ms / 1000
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
        self.stats = BatchStats()
        # one thread: the model predicts one batch at a time
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="predict")

    async def predict(self, file: Path) -> Predicted:
        """`file`'s rows, once its batch is predicted; predict's ValueError if it is corrupt."""
        job = Job(file, asyncio.get_running_loop().create_future())
        await self.queue.put(job)
        return await job.done

    async def run(self) -> None:
        """Forever: gather a batch, predict it in the worker, answer each waiting request."""
        loop = asyncio.get_running_loop()
        while True:
            jobs = [await self.queue.get()]
            await asyncio.sleep(self.wait_s)  # let the requests arriving now join this batch
            while len(jobs) < self.max_batch and not self.queue.empty():
                jobs.append(self.queue.get_nowait())
            number = self.stats.batches
            self.record(len(jobs))
            folder = self.outputs / str(number)
            files = [job.file for job in jobs]
            outcomes = await loop.run_in_executor(self.worker, self.predict_each, files, folder)
            for job, outcome in zip(jobs, outcomes, strict=True):
                if job.done.done():  # its client went away
                    continue
                if isinstance(outcome, Exception):
                    job.done.set_exception(outcome)
                else:
                    job.done.set_result(Predicted(outcome, len(jobs), folder))
            shutil.rmtree(self.outputs / str(number - KEPT_BATCHES), ignore_errors=True)

    def predict_each(self, files: list[Path], folder: Path) -> list[list[dict] | Exception]:
        """Each file's rows from one predict call; where the batch fails (one corrupt file fails
        it whole), each file alone, so only the corrupt ones get their error."""
        try:
            return [*rows_by_file(self.predict_batch(files, folder), files)]
        except Exception as error:
            if len(files) == 1:
                if not isinstance(error, ValueError):
                    log.exception("predicting %s failed", files[0])
                return [error]
        return [self.predict_each([file], folder)[0] for file in files]

    def record(self, size: int) -> None:
        self.stats.batches += 1
        self.stats.requests += size
        self.stats.largest_batch = max(self.stats.largest_batch, size)
        self.stats.sizes = [*self.stats.sizes, size][-KEPT_BATCHES:]

    def close(self) -> None:
        self.worker.shutdown(wait=True, cancel_futures=True)


def rows_by_file(rows: list[dict], files: list[Path]) -> list[list[dict]]:
    """`rows` split by the file each came from: a row's input is its file's path, or the path
    and a row number (`path:3`) for a file of several inputs."""
    split: dict[str, list[dict]] = {str(file): [] for file in files}
    for row in rows:
        name = str(row.get("input", ""))
        found = name if name in split else name.rpartition(":")[0]
        if found not in split:
            raise RuntimeError(f"predict returned a row for {name!r}, not one of its inputs")
        split[found].append(row)
    return list(split.values())
