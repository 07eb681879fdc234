"""`metagen serve` on a trained image classifier, started as a user starts it: its answers
are the run's own infer.py rows, concurrent requests share batches, bad uploads get a clean
4xx and the server goes on, and the upload page predicts in headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import METAGEN, read_json
from tests.paths import EXAMPLES
from tests.predict.trained_runs import SCALE, briefly_trained
from tests.serve.devtools import chromium_page
from tests.serve.server import request, serving, upload

from metagen.data.synthetic_images import ShapesDataset
from metagen.serve.limits import DEFAULT_MAX_BYTES
from metagen.serve.uploads import FORM_OVERHEAD

PICTURES = 5
CONCURRENT = 20
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(the server's port, the run it serves, a folder of pictures to send it)."""
    parent = tmp_path_factory.mktemp("served")
    run = briefly_trained(EXAMPLES / "image" / "shapes_cnn.yaml", parent)
    pictures = parent / "pictures"
    pictures.mkdir()
    shapes = ShapesDataset(PICTURES, 32, 3, 9, 12)
    for i in range(PICTURES):
        image, _ = shapes.draw(i)
        pixels = (np.moveaxis(image, 0, -1) * 255).round().astype(np.uint8)
        Image.fromarray(pixels).save(pictures / f"{i}.png")
    with serving(run, parent / "serve.log") as port:
        yield port, run, pictures


def infer_rows(run, files, out) -> dict[str, dict]:
    """The run's own infer.py's rows for `files` (one batch), by file name."""
    done = subprocess.run(
        [sys.executable, "infer.py", "--checkpoint", f"../train/{SCALE}", *map(str, files),
         "--out", str(out)], cwd=run / "code", capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    return {Path(row["input"]).name: row for row in rows}


@pytest.mark.slow  # trains a classifier for a step and starts the server (about 40 s)
def test_health_names_the_run_and_counts_its_parameters(served) -> None:
    port, run, _ = served
    status, health = request(port, "GET", "/health")
    assert status == 200 and health["status"] == "ok"
    assert (health["run"], health["task"]) == (run.name, "classification")
    trained = read_json(run / "train" / SCALE / "metrics.json")
    assert health["parameters"] == trained["num_parameters"]


@pytest.mark.slow  # the same server
def test_one_upload_gets_infer_py_own_row(served, tmp_path) -> None:
    port, run, pictures = served
    picture = pictures / "0.png"
    status, answer = upload(port, picture.name, picture.read_bytes())
    assert status == 200, answer
    assert answer["predictions"] == [infer_rows(run, [picture], tmp_path / "p.jsonl")["0.png"]
                                     | {"input": "0.png"}]  # fmt: skip


@pytest.mark.slow  # the same server
def test_concurrent_requests_are_predicted_in_batches_and_answered_correctly(
    served, tmp_path
) -> None:
    port, run, pictures = served
    files = sorted(pictures.glob("*.png"))
    expected = infer_rows(run, files, tmp_path / "p.jsonl")
    answers: dict[int, tuple[int, dict]] = {}
    together = threading.Barrier(CONCURRENT)

    def send(i: int) -> None:
        picture = files[i % len(files)]
        together.wait()
        answers[i] = upload(port, picture.name, picture.read_bytes())

    threads = [threading.Thread(target=send, args=(i,)) for i in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(answers) == list(range(CONCURRENT))
    for i, (status, answer) in answers.items():
        assert status == 200, answer
        [row] = answer["predictions"]
        reference = expected[files[i % len(files)].name]
        # a batch's float sums may differ from infer's in the last bit before rounding
        assert row["label"] == reference["label"] and row["top"].keys() == reference["top"].keys()
        assert row["top"] == pytest.approx(reference["top"], abs=2e-6)
    batch_sizes = [answer["batch_sizes"][0] for _, answer in answers.values()]
    assert max(batch_sizes) > 1, batch_sizes
    batching = request(port, "GET", "/health")[1]["batching"]
    assert batching["largest_batch"] >= max(batch_sizes)


@pytest.mark.slow  # the same server
def test_bad_uploads_get_a_clean_4xx_and_the_server_answers_after(served) -> None:
    port, _, pictures = served
    picture = (pictures / "1.png").read_bytes()
    cases = [
        ("truncated.png", picture[: len(picture) // 3], 422, "cannot read image truncated.png"),
        ("words.png", b"not a picture at all", 415, "not an image file"),
        ("notes.txt", b"a text file", 415, "takes .png"),
    ]
    for name, content, expected_status, said in cases:
        status, answer = upload(port, name, content)
        assert (status, said in answer["detail"]) == (expected_status, True), answer
        assert request(port, "GET", "/health")[0] == 200
    status, answer = request(port, "POST", "/predict", json.dumps({"text": "a red circle"}),
                             {"Content-Type": "application/json"})  # fmt: skip
    assert status == 415 and "not text" in answer["detail"]
    status, answer = request(port, "POST", "/predict", picture, {"Content-Type": "image/png"})
    assert status == 415 and "multipart" in answer["detail"]
    assert upload(port, "1.png", picture)[0] == 200


@pytest.mark.slow  # the same server
def test_an_oversize_upload_gets_413_declared_or_streamed(served) -> None:
    port, _, pictures = served
    picture = (pictures / "1.png").read_bytes()
    # a file just over the limit, in a request the form's framing keeps under the body's
    status, answer = upload(port, "big.png", picture + bytes(DEFAULT_MAX_BYTES))
    assert status == 413 and "limit" in answer["detail"]
    # a body over the limit, refused by its Content-Length, then while it streams in
    oversize = picture + bytes(DEFAULT_MAX_BYTES + FORM_OVERHEAD)
    status, answer = upload(port, "bigger.png", oversize)
    assert status == 413 and "limit" in answer["detail"]
    chunks = (oversize[start : start + 2**20] for start in range(0, len(oversize), 2**20))
    status, answer = request(port, "POST", "/predict", chunks,
                             {"Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    assert status == 413 and "limit" in answer["detail"]
    assert request(port, "GET", "/health")[0] == 200


@pytest.mark.slow  # the same server
def test_a_taken_port_is_one_line_and_exit_2(served) -> None:
    port, run, _ = served
    done = subprocess.run([METAGEN, "serve", str(run), "--port", str(port)], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2 and "cannot listen on 127.0.0.1" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow  # the same server, and Chromium
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (.ci/run installs Debian's)")
def test_the_upload_page_predicts_in_headless_chromium(served, tmp_path) -> None:
    port, run, pictures = served
    picture = pictures / "2.png"
    expected = infer_rows(run, [picture], tmp_path / "p.jsonl")["2.png"]
    with chromium_page(CHROMIUM, f"http://127.0.0.1:{port}/", tmp_path / "profile") as page:
        page.wait_for("document.readyState === 'complete' && !!document.getElementById('file')")
        page.set_files("#file", [picture])
        page.wait_for("document.getElementById('preview').complete "
                      "&& document.getElementById('preview').naturalWidth > 0")  # fmt: skip
        page.evaluate("document.getElementById('send').click()")
        done = page.wait_for("document.getElementById('result').dataset.done")
        shown = page.evaluate("document.getElementById('result').innerText")
        assert done == "yes", shown
        assert expected["label"] in shown and "2.png" in shown
        page.screenshot(tmp_path / "page.png")
        assert not page.errors, page.errors
    with Image.open(tmp_path / "page.png") as shot:
        assert shot.format == "PNG" and min(shot.size) >= 200
        pixels = np.asarray(shot.convert("L"), dtype=float)
    assert pixels.std() > 10, "the screenshot is blank"
    assert (pixels < 128).mean() > 0.01, "no text or picture was drawn"
