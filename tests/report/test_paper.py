"""`metagen paper`: every number in the generated LaTeX is one the run's files hold, and the
LaTeX compiles where pdflatex exists."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from tests.e2e.runs import METAGEN

# A number standing alone: not part of a name (top5_accuracy, x86_64, 1in, 11pt).
NUMBER = re.compile(r"(?<![\w.\\])[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?(?![\w])")


def numbers_in(text: str) -> list[str]:
    return NUMBER.findall(text)


def _value(token: str) -> float:
    return float(token.replace(",", ""))


def decimals(token: str) -> int:
    mantissa = token.lower().split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def json_numbers(value) -> list[float]:
    """Every number in a JSON value: its numbers, and those written in its strings."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, str):
        return [_value(token) for token in numbers_in(value)]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [number for item in items for number in json_numbers(item)]


def file_numbers(run: Path) -> list[float]:
    """Every number the run's summary files hold: its metrics (less the per-step loss curve,
    whose thousands of values would match almost anything), plan, data, spec and the text
    of its sample predictions."""
    out = run / "train" / "smoke"
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    metrics.pop("loss_curve")
    found = json_numbers(metrics)
    for path in (run / "blueprint" / "params.json", out / "data_info.json"):
        found += json_numbers(json.loads(path.read_text(encoding="utf-8")))
    found += json_numbers(yaml.safe_load((run / "spec_resolved.yaml").read_text("utf-8")))
    samples = out / "predictions" / "predictions.json"
    if samples.is_file():
        found += json_numbers(json.loads(samples.read_text(encoding="utf-8")).get("samples", []))
    return found


def traceable(token: str, known: list[float]) -> bool:
    """`token` is some number of the run's files, as printed (rounded to its decimals, or to
    its 4 significant figures in scientific notation)."""
    number = _value(token)
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


def test_a_clipped_table_cell_cuts_no_number_short() -> None:
    from metagen.report.paper_render import _clip

    cell = "Embedding: token embeddings; positions by RoPE (theta 500000), tied to the head"
    clipped = _clip(cell)
    assert len(clipped) <= 60 and clipped.endswith(" ...")
    assert set(numbers_in(clipped)) <= set(numbers_in(cell))


@pytest.mark.slow  # another training run (about 30 s): a model whose samples are text
def test_a_language_models_paper_quotes_only_measured_numbers(tmp_path) -> None:
    from tests.e2e.runs import metagen_train
    from tests.paths import EXAMPLES

    result, _ = metagen_train(str(EXAMPLES / "text" / "tiny_lm.yaml"), "--scale", "smoke",
                              "--steps", "60", "--out", str(tmp_path), "--run-id", "lm")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / "lm"
    done = subprocess.run([METAGEN, "paper", str(run)], capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    tex = (run / "paper" / "paper.tex").read_text(encoding="utf-8")
    assert "generated" in tex  # the sample generations are in it
    known = file_numbers(run)
    assert not [t for t in numbers_in(tex) if not traceable(t, known)]
