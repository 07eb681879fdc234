"""A dependency-free progress bar on stderr: live on a terminal; in logs a line per N% or
every few seconds, whichever comes first, so that a long run never goes quiet."""

import sys
import time


class ProgressBar:
    """update(step, loss=..., lr=...) after each step; close() at the end."""

    def __init__(
        self, total: int, *, initial=0, stream=None, every_percent=10, every_seconds=5.0,
        enabled=True, clock=time.perf_counter,
    ):  # fmt: skip
        self.total, self.initial, self.enabled = max(1, total), initial, enabled
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every, self.every_seconds, self.clock = max(1, every_percent), every_seconds, clock
        self.start = self.last_line = clock()
        self.last_draw = 0.0
        self.last_bucket = initial * 100 // self.total // self.every

    def render(self, step: int, metrics: dict) -> str:
        elapsed = self.clock() - self.start
        rate = (step - self.initial) / elapsed if elapsed > 0 else 0.0
        eta = int((self.total - step) / rate) if rate > 0 else 0
        filled = 24 * step // self.total
        parts = [f"[{'#' * filled}{'-' * (24 - filled)}] {step}/{self.total}"]
        parts += [
            f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items()
        ]
        minutes, seconds = divmod(eta, 60)
        return " | ".join([*parts, f"{rate:.2f} it/s", f"eta {minutes}:{seconds:02d}"])

    def update(self, step: int, **metrics) -> None:
        now = self.clock()
        # the last step is a bucket of its own, so that it prints once whatever every_percent
        bucket = step * 100 // self.total // self.every + (step >= self.total)
        if self.enabled and self.tty and (now - self.last_draw >= 0.1 or step >= self.total):
            self.stream.write("\r" + self.render(step, metrics).ljust(100))
            self.stream.flush()
            self.last_draw = now
        elif (
            self.enabled
            and not self.tty
            and (
                bucket > self.last_bucket
                or (now - self.last_line >= self.every_seconds and step < self.total)
            )
        ):
            self.last_bucket, self.last_line = max(bucket, self.last_bucket), now
            self.stream.write(self.render(step, metrics) + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
        self.enabled = False
