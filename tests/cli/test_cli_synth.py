"""`metagen synth`: byte-identical runs, safe run directories, and inert free text."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tests.cli.helpers import BASE_SPEC, METAGEN, entries, error_paragraph, invoke, snapshot
from tests.cli.helpers import write_spec as _write
from tests.paths import EXAMPLE_SPECS, spec_id


def synth(spec, out, run_id="r", *extra) -> None:
    result = invoke("synth", spec, "--out", out, "--run-id", run_id, *extra)
    assert result.exit_code == 0, result.output


# 4. Determinism ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=[spec_id(p) for p in EXAMPLE_SPECS])
def test_same_spec_run_id_and_seed_give_byte_identical_trees(spec, tmp_path):
    synth(spec, tmp_path / "a", "r", "--seed", "7")
    synth(spec, tmp_path / "b", "r", "--seed", "7")
    first, second = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert list(first) == list(second)
    assert "r/logs/" in first and "r/code/model.py" in first
    for rel, content in first.items():
        assert content == second[rel], f"{rel} differs between two identical synths"


def test_synth_is_identical_across_processes_and_hash_seeds(tmp_path):
    spec = EXAMPLE_SPECS[0]
    for name, hash_seed in (("a", "1"), ("b", "2")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [
                str(METAGEN),
                "synth",
                str(spec),
                "--out",
                str(tmp_path / name),
                "--run-id",
                "r",
                "--seed",
                "3",
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=60,
        )
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_a_different_seed_is_written_into_the_run(tmp_path):
    spec = EXAMPLE_SPECS[0]
    synth(spec, tmp_path / "a", "r", "--seed", "7")
    synth(spec, tmp_path / "b", "r", "--seed", "8")
    for name, seed in (("a", 7), ("b", 8)):
        run = tmp_path / name / "r"
        assert json.loads((run / "code" / "config.json").read_text("utf-8"))["seed"] == seed
        assert yaml.safe_load((run / "spec_resolved.yaml").read_text("utf-8"))["seed"] == seed


def test_without_seed_the_spec_seed_is_used(tmp_path):
    spec = _write(tmp_path, BASE_SPEC + "seed: 42\n")
    synth(spec, tmp_path / "runs")
    config = json.loads((tmp_path / "runs" / "r" / "code" / "config.json").read_text("utf-8"))
    assert config["seed"] == 42


# 5. Existing run directories and unsafe run ids -------------------------------------------


def test_existing_run_dir_is_kept_without_force_and_replaced_with_it(tmp_path):
    spec = _write(tmp_path, BASE_SPEC)
    out = tmp_path / "runs"
    synth(spec, out)
    (out / "r" / "logs" / "mine.txt").write_text("keep me", encoding="utf-8")
    before = snapshot(out)

    message = error_paragraph(invoke("synth", spec, "--out", out, "--run-id", "r"))
    assert "--force" in message and str(out / "r") in message
    assert snapshot(out) == before

    synth(spec, out, "r", "--force")
    synth(spec, tmp_path / "fresh")
    assert snapshot(out) == snapshot(tmp_path / "fresh"), "--force must replace, not merge"
    assert entries(out) == ["r"]


@pytest.mark.parametrize("run_id", ["../x", "..", "a/b", "/tmp/metagen-abs", ".hidden", "-x"])
def test_unsafe_run_id_is_refused(run_id, tmp_path):
    spec = _write(tmp_path, BASE_SPEC)
    work = tmp_path / "work"
    work.mkdir()
    message = error_paragraph(invoke("synth", spec, "--out", work / "runs", "--run-id", run_id))
    assert "--run-id" in message
    assert entries(work) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spec.yaml", "work"]


def test_an_empty_run_id_is_refused_not_replaced_by_a_timestamp(tmp_path):
    spec = _write(tmp_path, BASE_SPEC)
    message = error_paragraph(invoke("synth", spec, "--out", tmp_path / "runs", "--run-id", ""))
    assert "--run-id ''" in message
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
@pytest.mark.parametrize("link_to", ["real", "nowhere"], ids=["link", "dangling"])
def test_a_run_dir_that_is_a_symlink_is_refused_and_kept(link_to, force, tmp_path):
    spec = _write(tmp_path, BASE_SPEC)
    out = tmp_path / "runs"
    (out / "real").mkdir(parents=True)
    (out / "real" / "mine.txt").write_text("keep me", encoding="utf-8")
    (out / "r").symlink_to(link_to)
    before = snapshot(out / "real")
    message = error_paragraph(invoke("synth", spec, "--out", out, "--run-id", "r", *force))
    assert "symbolic link" in message and f"(to {link_to})" in message
    assert snapshot(out / "real") == before and os.readlink(out / "r") == link_to
    assert entries(out) == ["r", "real"]


def test_force_does_not_replace_a_file_or_a_folder_synth_did_not_write(tmp_path):
    spec = _write(tmp_path, BASE_SPEC)
    out = tmp_path / "runs"
    out.mkdir()
    (out / "file").write_text("mine", encoding="utf-8")
    (out / "photos").mkdir()
    (out / "photos" / "cat.jpg").write_bytes(b"\xff\xd8")
    before = snapshot(out)
    message = error_paragraph(invoke("synth", spec, "--out", out, "--run-id", "file", "--force"))
    assert "is a file" in message
    message = error_paragraph(invoke("synth", spec, "--out", out, "--run-id", "photos", "--force"))
    assert "did not write" in message and "spec_resolved.yaml" in message
    assert snapshot(out) == before


def _fill_disk_after(monkeypatch, writes: int) -> None:
    """Path.write_text fails with ENOSPC after `writes` successful writes."""
    real_write = Path.write_text
    count = {"n": 0}

    def write_text(self, *args, **kwargs):
        count["n"] += 1
        if count["n"] > writes:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)


def test_a_full_disk_is_an_error_and_leaves_the_location_as_it_was(tmp_path, monkeypatch):
    spec = _write(tmp_path, BASE_SPEC)
    _fill_disk_after(monkeypatch, writes=3)
    message = error_paragraph(invoke("synth", spec, "--out", tmp_path / "a" / "runs"))
    assert "No space left on device" in message and "nothing was changed" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spec.yaml"]  # not even a/runs


def test_a_full_disk_during_force_keeps_the_old_run(tmp_path, monkeypatch):
    spec = _write(tmp_path, BASE_SPEC)
    out = tmp_path / "runs"
    synth(spec, out)
    (out / "r" / "logs" / "mine.txt").write_text("keep me", encoding="utf-8")
    before = snapshot(out)
    _fill_disk_after(monkeypatch, writes=3)
    message = error_paragraph(invoke("synth", spec, "--out", out, "--run-id", "r", "--force"))
    assert "No space left on device" in message
    assert snapshot(out) == before


# 6. Free text is data, never code or markup -----------------------------------------------

FREE_TEXT = (
    "He said \"hi\" and 'bye'; C:\\new\\table \\n is not a newline\n"
    "triple \"\"\"double\"\"\" and '''single''' {{ jinja }} {% if x %}{% endif %} {# c #}\n"
    "</script><script>alert(1)</script> <b>&amp;</b> `tick` ```fence``` *em* _u_ [l](x)\n"
    "# not a heading\n- not a list\n> not a quote\n"
    "Ünïcödé ✓ 日本語 — 🚀 tab\there, ends with a backslash\\"
)


def _free_text_run(tmp_path, description: str):
    doc = yaml.safe_load(BASE_SPEC)
    doc["name"] = "free_text"
    doc["description"] = description
    spec = _write(tmp_path, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    synth(spec, tmp_path / "runs")
    return tmp_path / "runs" / "r"


def _plain_text(inline) -> str:
    """What an inline token shows as plain text; anything else (code, HTML, emphasis, links)
    becomes NUL so that the description cannot match across it."""
    parts = []
    for child in inline.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        else:
            parts.append("\0")
    return "".join(parts)


def _lines(text: str) -> str:  # Markdown drops the spaces at either end of a line
    return "\n".join(line.strip() for line in text.splitlines())


def assert_inert_markdown(markdown: str, description: str) -> None:
    """`description` renders as plain text in one paragraph: no HTML, code, list, heading."""
    markdown_it = pytest.importorskip("markdown_it")
    tokens = markdown_it.MarkdownIt("commonmark").parse(markdown)
    inlines = [t for t in tokens if t.type == "inline"]
    kinds = {c.type for t in inlines for c in t.children or []} | {t.type for t in tokens}
    assert not kinds & {"html_block", "html_inline"}, "raw HTML in the Markdown"
    holders = [t for t in inlines if _lines(description) in _lines(_plain_text(t))]
    assert len(holders) == 1, "the description is not one plain-text paragraph"


def test_free_text_description_is_inert_everywhere(tmp_path):
    run = _free_text_run(tmp_path, FREE_TEXT)
    code = run / "code"

    for path in code.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    lint = subprocess.run(
        [str(METAGEN.with_name("ruff")), "check", "--no-cache", "."],
        cwd=code,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr

    probe = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import model; "
        "assert 'metagen' not in sys.modules, 'generated code imports metagen'; "
        "print(json.dumps(model.SPEC_DESCRIPTION))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe, str(code)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout) == FREE_TEXT

    resolved = yaml.safe_load((run / "spec_resolved.yaml").read_text(encoding="utf-8"))
    assert resolved["description"] == FREE_TEXT

    card = (run / "docs" / "model_card.md").read_text(encoding="utf-8")
    assert "<script>" not in card and "</script>" not in card
    for line in card.splitlines():
        if "alert(1)" in line or "tick" in line:
            raw = [i for i, c in enumerate(line) if c in "<`" and (i == 0 or line[i - 1] != "\\")]
            assert not raw, f"unescaped '<' or '`' in the model card: {line}"
    assert_inert_markdown(card, FREE_TEXT)
    assert_inert_markdown((code / "README.md").read_text(encoding="utf-8"), FREE_TEXT)


BLOCK_TEXT = {
    "heading": "intro\n# heading",
    "bullet": "intro\n- item\n* item\n+ item",
    "quote": "intro\n> quote",
    "setext": "intro\n===",
    "indented-code": "intro\n    code",
    "backtick-fence": "intro\n```\ncode",
    "tilde-fence": "intro\n~~~\ncode",
    "ordered-list": "intro\n1. item",
    "blank-line": "intro\n\nsecond paragraph",
}


@pytest.mark.parametrize("description", BLOCK_TEXT.values(), ids=BLOCK_TEXT.keys())
def test_block_markdown_in_the_description_stays_quoted(description, tmp_path):
    run = _free_text_run(tmp_path, description)
    card = (run / "docs" / "model_card.md").read_text(encoding="utf-8")
    assert_inert_markdown(card, description)
    assert "## Architecture" in card


@pytest.mark.parametrize("command", ["plan", "synth", "train"])
@pytest.mark.parametrize("seed", ["-1", "4294967296", "18446744073709551616"])
def test_a_seed_override_out_of_range_is_refused(command, seed, tmp_path):
    spec = _write(tmp_path, BASE_SPEC)
    message = error_paragraph(
        invoke(command, spec, "--seed", seed, "--out", tmp_path / "runs")
        if command != "plan"
        else invoke(command, spec, "--seed", seed)
    )
    assert f"--seed {seed} is out of range" in message and "4294967295" in message
    assert not (tmp_path / "runs").exists()
