"""Does the code a model wrote from a picture work? Checks that read or run it, each against
the reference the picture was rendered from (datagen/image_to_code/):

- HTML: does it parse into a page, and does it hold the same components (element type, text,
  colours) in the same order as the reference? Structure, not pixels.
- A matplotlib script: does it run (in the sandbox, with a time limit), and does the figure it
  draws have the reference's bar heights or line values, labels and title?
- A Python function from a flowchart: does it compile, and does it give the reference's
  outputs on the reference's inputs (run in the sandbox)?

Generated code never runs in this process: every run goes through evaluate/sandbox.py."""

import json

from metagen.evaluate.html_page import parse_page
from metagen.evaluate.sandbox import run_untrusted

CHECK_SECONDS = 20.0
# Appended to a chart script in the sandbox: what its current axes draw, as JSON.
_CHART_FACTS = """
import json as _json, matplotlib.pyplot as _plt
_ax = _plt.gcf().axes[0] if _plt.gcf().axes else None
_facts = {} if _ax is None else {
    "heights": [float(p.get_height()) for p in _ax.patches],
    "lines": [[float(v) for v in line.get_ydata()] for line in _ax.lines],
    "labels": [t.get_text() for t in _ax.get_xticklabels()],
    "title": _ax.get_title(),
}
open("facts.json", "w").write(_json.dumps(_facts))
"""
# Appended to a function in the sandbox: its outputs on the inputs, as JSON.
_FUNCTION_OUTPUTS = """
import json as _json
_defined = [v for k, v in list(globals().items()) if callable(v) and not k.startswith("_")
            and getattr(v, "__module__", None) == "__main__"]
_outputs = []
for _x in _INPUTS:
    try:
        _outputs.append(_defined[0](_x))
    except Exception as _error:
        _outputs.append(f"error: {type(_error).__name__}")
open("outputs.json", "w").write(_json.dumps(_outputs))
"""


def html_components(html: str) -> list[tuple[str, ...]] | None:
    """The components of the page's container <div>, in order: (tag, background or border
    colour, text colour, text); None if it holds no container with components."""
    try:
        root = parse_page(html)
    except (ValueError, AssertionError):  # html.parser's own errors on broken markup
        return None
    container = next((n for n in root.children if n.tag == "div"), None)
    if not html.lstrip().startswith("<div") or container is None or not container.children:
        return None
    return [
        (node.tag, (node.style.get("background") or (node.style.get("border") or " ").split()[-1]).lower(),
         node.style.get("color", "").lower(), node.placeholder if node.tag == "input" else node.text)
        for node in container.children
    ]  # fmt: skip


def html_check(generated: str, reference: str) -> dict:
    """parses; and the fraction of the reference's components (in order) whose type, text
    and colours the generated page has in the same place."""
    mine, theirs = html_components(generated), html_components(reference) or []
    if mine is None:
        return {"parses": False, "components_matched": 0.0}
    same = sum(a == b for a, b in zip(mine, theirs, strict=False))
    return {"parses": True, "components_matched": same / max(len(theirs), len(mine))}


def chart_check(script: str, facts: dict, timeout: float = CHECK_SECONDS) -> dict:
    """runs (in the sandbox); and whether the figure's values, labels and title are the
    reference's facts."""
    result = run_untrusted(script + _CHART_FACTS, timeout=timeout)
    if not result.finished or "facts.json" not in result.files:
        return {"runs": False, "values_match": False, "labels_match": False}
    drawn = json.loads(result.files["facts.json"])
    values = drawn.get("heights") if facts["template"] == "bar" else (drawn.get("lines") or [[]])[0]
    return {
        "runs": True,
        "values_match": [round(v, 6) for v in values or []] == [float(v) for v in facts["values"]],
        "labels_match": drawn.get("labels") == facts["labels"]
        and drawn.get("title") == facts["title"],
    }


def function_check(code: str, checks: list, timeout: float = CHECK_SECONDS) -> dict:
    """compiles; and the fraction of (input, output) checks the function passes, run in the
    sandbox."""
    try:
        compile(code, "<generated>", "exec")
    except (SyntaxError, ValueError):
        return {"compiles": False, "checks_passed": 0.0}
    inputs = [x for x, _ in checks]
    result = run_untrusted(f"_INPUTS = {inputs!r}\n" + code + _FUNCTION_OUTPUTS, timeout)
    if not result.finished or "outputs.json" not in result.files:
        return {"compiles": True, "checks_passed": 0.0}
    outputs = json.loads(result.files["outputs.json"])
    passed = sum(got == want for got, (_, want) in zip(outputs, checks, strict=True))
    return {"compiles": True, "checks_passed": passed / len(checks)}
