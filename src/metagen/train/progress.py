"""A dependency-free progress bar on stderr: live on a terminal, a line per N% in logs."""

import sys
import time


def _format_seconds(seconds: float) -> str:
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class ProgressBar:
    """update(step, loss=..., lr=...) after each step; close() at the end."""

    def __init__(
        self,
        total: int,
        *,
        initial: int = 0,
        stream=None,
        every_percent: int = 10,
        enabled: bool = True,
        width: int = 24,
    ):
        self.total, self.initial, self.enabled, self.width = max(1, total), initial, enabled, width
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = max(1, every_percent)
        self.start = time.perf_counter()
        self.last_draw = 0.0
        self.last_bucket = initial * 100 // self.total // self.every
        self.line = ""
        self.finished = False

    def render(self, step: int, metrics: dict) -> str:
        elapsed = time.perf_counter() - self.start
        rate = (step - self.initial) / elapsed if elapsed > 0 else 0.0
        eta = (self.total - step) / rate if rate > 0 else 0.0
        filled = self.width * step // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        parts = [f"[{bar}] {step}/{self.total}"]
        parts += [
            f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items()
        ]
        parts += [f"{rate:.2f} it/s", f"eta {_format_seconds(eta)}"]
        return " | ".join(parts)

    def update(self, step: int, **metrics) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if self.tty:
            if now - self.last_draw >= 0.1 or step >= self.total:
                self.line = self.render(step, metrics)
                self.stream.write("\r" + self.line.ljust(100))
                self.stream.flush()
                self.last_draw = now
            return
        bucket = step * 100 // self.total // self.every
        if bucket > self.last_bucket or (step >= self.total and not self.finished):
            self.last_bucket, self.finished = bucket, step >= self.total
            self.line = self.render(step, metrics)
            self.stream.write(self.line + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
        self.enabled = False
