"""`metagen paper`: every number in the generated LaTeX is one the run's files hold, and the
LaTeX compiles where pdflatex exists."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.e2e.runs import METAGEN

# A number standing alone: not part of a name (top5_accuracy, x86_64, 1in, 11pt).
NUMBER = re.compile(r"(?<![\w.\\])[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?(?![\w])")


def numbers_in(text: str) -> list[str]:
    return NUMBER.findall(text)


def value(token: str) -> float:
    return float(token.replace(",", ""))


def decimals(token: str) -> int:
    mantissa = token.lower().split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def file_numbers(run: Path) -> list[float]:
    """Every number the run's summary files hold: its metrics (less the per-step loss curve,
    whose thousands of values would match almost anything), plan, data and spec."""
    metrics = json.loads((run / "train" / "smoke" / "metrics.json").read_text(encoding="utf-8"))
    metrics.pop("loss_curve")
    texts = [json.dumps(metrics)] + [
        (run / name).read_text(encoding="utf-8")
        for name in ("blueprint/params.json", "train/smoke/data_info.json", "spec_resolved.yaml")
    ]
    return [value(token) for text in texts for token in numbers_in(text)]


def traceable(token: str, known: list[float]) -> bool:
    """`token` is some number of the run's files, as printed (rounded to its decimals, or to
    its 4 significant figures in scientific notation)."""
    number = value(token)
    if "e" in token.lower():
        return any(abs(k - number) <= 5e-4 * abs(number) for k in known)
    return any(abs(k - number) <= 0.5 * 10 ** -decimals(token) + 1e-12 for k in known)


@pytest.fixture(scope="module")
def paper(trained_run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("paper")
    done = subprocess.run([METAGEN, "paper", str(trained_run), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def test_every_number_in_the_paper_is_one_the_run_measured(trained_run, paper) -> None:
    body = (paper / "paper.tex").read_text(encoding="utf-8")
    known = file_numbers(trained_run)
    tokens = numbers_in(body)
    assert len(tokens) > 20, "the paper reports the run's numbers"
    untraced = [t for t in tokens if not traceable(t, known)]
    assert not untraced, f"numbers no file of the run holds: {untraced}"


def test_the_check_catches_a_number_typed_in(trained_run) -> None:
    known = file_numbers(trained_run)
    assert not traceable("0.98765", known)
    assert not traceable("123,456,789", known)


def test_the_paper_has_its_sections_and_the_run_figures(trained_run, paper) -> None:
    tex = (paper / "paper.tex").read_text(encoding="utf-8")
    assert r"\begin{abstract}" in tex
    for section in ("Method", "Setup", "Results", "Limitations"):
        assert rf"\section{{{section}}}" in tex
        assert f"## {section}" in (paper / "paper.md").read_text(encoding="utf-8")
    for png in (trained_run / "train" / "smoke" / "plots").glob("*.png"):
        assert f"figures/{png.name}" in tex and (paper / "figures" / png.name).is_file()


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex here")
def test_the_paper_compiles_to_pdf(paper) -> None:
    pdf = paper / "paper.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
