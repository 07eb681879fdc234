"""The paper's blocks (report/paper.py) written out: Markdown, LaTeX with every special
character escaped, and a PDF by pdflatex where it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from metagen.report.paper import Block, paper_blocks
from metagen.report.run_record import RunRecord

PDFLATEX_SECONDS = 120


def to_markdown(record: RunRecord, blocks: list[Block], figures: dict[Path, str]) -> str:
    lines = [f"# {record.name}: a MetaGen technical report", ""]
    for block in blocks:
        if block.kind == "section":
            lines += [f"## {block.text}", ""]
        elif block.kind == "paragraph":
            lines += [block.text, ""]
        elif block.kind == "table" and block.rows:
            cells = [[c.replace("|", "\\|").replace("\n", " ") for c in row] for row in block.rows]
            lines.append("| " + " | ".join(cells[0]) + " |")
            lines.append("|" + "---|" * len(cells[0]))
            lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
            lines.append("")
        elif block.kind == "figure" and block.path is not None:
            lines += [f"![{block.text}]({figures[block.path]})", "", f"*{block.text}*", ""]
    return "\n".join(lines)


LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
}  # fmt: skip


def latex_text(text: str) -> str:
    """Plain text, inert in LaTeX: every special character escaped, control characters as
    spaces and non-ASCII as '?' (pdflatex's default fonts have no glyphs for them)."""
    shown = "".join(c if c.isprintable() else " " for c in text)  # control bytes: no glyph
    escaped = "".join(LATEX_SPECIALS.get(c, c) for c in shown)
    return escaped.encode("ascii", "replace").decode("ascii")


def to_latex(record: RunRecord, blocks: list[Block], figures: dict[Path, str]) -> str:
    lines = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[margin=1in]{geometry}",
        r"\usepackage{graphicx}",
        r"\usepackage{longtable}",
        r"\usepackage{booktabs}",
        r"\usepackage[T1]{fontenc}",
        r"\title{" + latex_text(record.name) + r": a MetaGen technical report}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
    ]
    in_abstract = False
    for block in blocks:
        if block.kind == "section":
            in_abstract = block.text == "Abstract"
        if block.kind == "section" and not in_abstract:
            lines.append(r"\section{" + latex_text(block.text) + "}")
        elif block.kind == "paragraph":
            if in_abstract:
                lines += [r"\begin{abstract}", latex_text(block.text), r"\end{abstract}"]
            else:
                lines += [latex_text(block.text), ""]
        elif block.kind == "table" and block.rows:
            columns = len(block.rows[0])
            spec = "l" * columns
            lines.append(r"\begin{longtable}{" + spec + "}")
            lines.append(r"\toprule")
            lines.append(" & ".join(latex_text(c) for c in block.rows[0]) + r" \\")
            lines.append(r"\midrule")
            for row in block.rows[1:]:
                lines.append(" & ".join(latex_text(_clip(c)) for c in row) + r" \\")
            lines += [r"\bottomrule", r"\end{longtable}", ""]
        elif block.kind == "figure" and block.path is not None:
            lines += [
                r"\begin{figure}[htbp]",
                r"\centering",
                r"\includegraphics[width=\linewidth,height=\textheight,keepaspectratio]{"
                + figures[block.path]
                + "}",
                r"\caption{" + latex_text(block.text) + "}",
                r"\end{figure}",
                "",
            ]
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _clip(cell: str, most: int = 60) -> str:
    """A table cell on one line, cut where long (LaTeX tables do not wrap plain columns) at a
    space, so that no word or number is cut short (paper.md keeps the whole text)."""
    flat = " ".join(cell.split())
    if len(flat) <= most:
        return flat
    kept = flat[: most - 3].rsplit(" ", 1)[0] if " " in flat[: most - 3] else ""
    return kept + " ..."


def write_paper(record: RunRecord, out_dir: Path) -> dict[str, Path]:
    """paper.md, paper.tex, figures/ and, where pdflatex runs, paper.pdf into `out_dir`."""
    blocks = paper_blocks(record)
    figures_dir = out_dir / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    figures = {}
    for block in blocks:
        if block.kind == "figure" and block.path is not None:
            shutil.copyfile(block.path, figures_dir / block.path.name)
            figures[block.path] = f"figures/{block.path.name}"
    written = {
        "markdown": out_dir / "paper.md",
        "latex": out_dir / "paper.tex",
    }
    written["markdown"].write_text(to_markdown(record, blocks, figures), encoding="utf-8")
    written["latex"].write_text(to_latex(record, blocks, figures), encoding="utf-8")
    pdf = compile_pdf(written["latex"])
    if pdf is not None:
        written["pdf"] = pdf
    return written


def compile_pdf(tex: Path) -> Path | None:
    """paper.pdf beside `tex` by pdflatex (twice, for the references), or None where
    pdflatex is not installed. Runs in a temporary folder: no aux files are left behind."""
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        return None
    with tempfile.TemporaryDirectory() as build:
        shutil.copytree(tex.parent / "figures", Path(build) / "figures")
        shutil.copyfile(tex, Path(build) / tex.name)
        command = [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                   tex.name]  # fmt: skip
        for _ in range(2):
            result = subprocess.run(command, cwd=build, capture_output=True, text=True,
                                    timeout=PDFLATEX_SECONDS, errors="replace")  # fmt: skip
            if result.returncode != 0:
                raise RuntimeError(f"pdflatex failed on {tex}: {result.stdout[-1500:]}")
        target = tex.with_suffix(".pdf")
        shutil.copyfile(Path(build) / tex.with_suffix(".pdf").name, target)
    return target
