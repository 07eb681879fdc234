"""What a server holds requests to, with the defaults `metagen serve` offers. No FastAPI
import here, so that `metagen serve --help` works without the serve extra."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 10 * 2**20
DEFAULT_MAX_BATCH = 32
DEFAULT_WAIT_MS = 5.0


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES  # the largest upload a request may make
    max_batch: int = DEFAULT_MAX_BATCH  # inputs predicted in one predict call at most
    wait_ms: float = DEFAULT_WAIT_MS  # how long a batch's first input waits for others
