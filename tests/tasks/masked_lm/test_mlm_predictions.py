"""What a masked LM's infer.py predicts (issue 16): a row per text, each blank's fills the
library model's most probable ordinary tokens in order, with its probabilities, the filled
text the text with each blank its first fill; a text without a blank is refused, naming it."""

from __future__ import annotations

import json
import subprocess

import pytest
import torch
from tests.paths import EXAMPLES
from tests.predict.trained_runs import briefly_trained, run_infer

from metagen.data.tokenizer import MaskedByteTokenizer
from metagen.report.predictions import load_trained

pytestmark = pytest.mark.slow

TOP = 4
TEXTS = ("count 3 4 _ 6 7.", "the c_t sees the b_ll")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return briefly_trained(EXAMPLES / "text" / "masked_lm.yaml", tmp_path_factory.mktemp("mlm"))


def infer(run, *args: str) -> subprocess.CompletedProcess:
    return run_infer(run, *args, timeout=300)


def test_fills_are_the_models_most_probable_bytes(run, tmp_path) -> None:
    texts, out = tmp_path / "texts.jsonl", tmp_path / "filled.jsonl"
    texts.write_text("".join(json.dumps({"text": t}) + "\n" for t in TEXTS), encoding="utf-8")
    done = infer(run, str(texts), "--top", str(TOP), "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["input"] for row in rows] == [f"{texts}:1", f"{texts}:2"]
    model, tokenizer = load_trained(run, "smoke")[0], MaskedByteTokenizer()
    for text, row in zip(TEXTS, rows, strict=True):
        blanks = [i for i, char in enumerate(text) if char == "_"]
        ids = [tokenizer.mask_id if char == "_" else ord(char) for char in text]
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([ids]))[0, blanks].float()
        ordinary = logits[:, :256].softmax(dim=-1)  # bytes: the ids before the specials
        assert [blank["position"] for blank in row["blanks"]] == blanks
        for blank, probabilities in zip(row["blanks"], ordinary, strict=True):
            top = probabilities.topk(TOP)
            shown_bytes = [bytes([i]).decode("utf-8", "replace") for i in top.indices.tolist()]
            assert [fill[0] for fill in blank["fills"]] == shown_bytes
            shown = torch.tensor([fill[1] for fill in blank["fills"]])
            torch.testing.assert_close(shown, top.values, atol=1e-6, rtol=0)
        filled = list(text)
        for blank in row["blanks"]:
            filled[blank["position"]] = blank["fills"][0][0]
        assert row["text"] == text and row["filled"] == "".join(filled)


def test_a_text_without_a_blank_is_refused_naming_it(run, tmp_path) -> None:
    (tmp_path / "plain.txt").write_text("no blanks here\n", encoding="utf-8")
    done = infer(run, str(tmp_path / "plain.txt"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {tmp_path / 'plain.txt'}: it has no _ to fill")
