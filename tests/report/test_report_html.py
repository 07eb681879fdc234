"""`metagen train` ends with plots, a report and a summary; `metagen report` rewrites the
report: one self-contained HTML page whose figures are the run's own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import METAGEN

from metagen.report.html_report import number_text


def _metrics(run):
    return json.loads((run / "train" / "smoke" / "metrics.json").read_text(encoding="utf-8"))


def test_training_ends_with_a_summary_naming_what_to_look_at(trained_run) -> None:
    stdout = (trained_run / "train_stdout.txt").read_text(encoding="utf-8")
    metrics = _metrics(trained_run)
    accuracy = number_text(metrics["eval"]["accuracy"])
    baseline = number_text(metrics["eval"]["majority_class_accuracy"])
    assert f"held-out accuracy {accuracy} vs the trivial baseline's {baseline}" in stdout
    for path in ("checkpoints/latest", "metrics.json", "plots", "report.html"):
        assert str(trained_run / "train" / "smoke" / path) in stdout
    assert f"metagen report {trained_run} --scale smoke" in stdout
    assert f"metagen train {trained_run} --scale full" in stdout


def test_the_report_is_self_contained_and_shows_the_run(trained_run) -> None:
    html = (trained_run / "train" / "smoke" / "report.html").read_text(encoding="utf-8")
    metrics = _metrics(trained_run)
    assert "<script" not in html.lower()
    # nothing loaded from elsewhere: every picture is inlined
    sources = re.findall(r'src="([^"]*)"', html)
    assert sources and all(s.startswith("data:image/") for s in sources)
    plots = sorted((trained_run / "train" / "smoke" / "plots").glob("*.png"))
    assert len(sources) == len(plots) + 1  # and the architecture diagram
    for key, value in metrics["eval"].items():
        assert f'<td>{key}</td><td class="num">{number_text(value)}</td>' in html
    plan = json.loads((trained_run / "blueprint" / "params.json").read_text(encoding="utf-8"))
    for component in plan["components"]:
        assert f'<td class="num">{component["params"]:,}</td>' in html
    assert "name: tabular_classifier" in html  # the spec, verbatim


def test_model_card_embeds_the_loss_curve_and_writes_paths_plainly(trained_run) -> None:
    card = (trained_run / "docs" / "model_card.md").read_text(encoding="utf-8")
    assert "![Training and validation loss against step](../train/smoke/plots/loss.png)" in card
    assert "[report.html](../train/smoke/report.html)" in card
    assert "`train/smoke`" in card and "\\/" not in card
    for png in (trained_run / "train" / "smoke" / "plots").glob("*.png"):
        assert f"](../train/smoke/plots/{png.name})" in card


def test_metagen_report_rewrites_it_and_refuses_what_is_no_run(trained_run, tmp_path) -> None:
    target = tmp_path / "mine.html"
    done = subprocess.run([METAGEN, "report", str(trained_run), "--out", str(target)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == (
        trained_run / "train" / "smoke" / "report.html"
    ).read_text(encoding="utf-8")
    done = subprocess.run([METAGEN, "report", str(trained_run), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2 and "is a folder" in done.stderr
    for bad, said in (
        (tmp_path, "is not a run directory"),
        (trained_run, "no full-scale training run"),
    ):
        extra = ["--scale", "full"] if bad == trained_run else []
        done = subprocess.run([METAGEN, "report", str(bad), *extra], capture_output=True,
                              text=True, timeout=60)  # fmt: skip
        assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (.ci/run installs Debian's)")
def test_the_report_opens_in_headless_chromium(trained_run, tmp_path) -> None:
    report = trained_run / "train" / "smoke" / "report.html"
    shot = tmp_path / "report.png"
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
         "--v=0", f"--screenshot={shot}", "--window-size=1200,1600", report.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shot.is_file(), done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    assert not console, console
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.std() > 10, "the screenshot is blank"
    assert (pixels < 128).mean() > 0.01, "no text or figure was drawn"


def test_a_run_trained_by_its_own_train_py_gets_its_plots_from_metagen_report(
    trained_run, tmp_path
) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(trained_run, bare)
    out = bare / "train" / "smoke"
    for made in ("plots", "predictions"):
        shutil.rmtree(out / made)
    (out / "report.html").unlink()
    done = subprocess.run([METAGEN, "report", str(bare)], capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    drawn = {p.name for p in (out / "plots").glob("*.png")}
    assert drawn == {p.name for p in (trained_run / "train/smoke/plots").glob("*.png")}
    assert (out / "predictions" / "predictions.npz").is_file()
    assert (out / "report.html").is_file()
