"""Does the code a model wrote from a picture work? Checks that read or run it, each against
the reference the picture was rendered from (datagen/image_to_code/):

- HTML: does it parse into a page, and does it hold the same components (element type, text,
  colours) in the same order as the reference? Structure, not pixels.
- A matplotlib script: does it run (in the sandbox, with a time limit), and does the figure it
  draws have the reference's bar heights or line values, labels and title?
- A Python function from a flowchart: does it compile, and does it give the reference's
  outputs on the reference's inputs (run in the sandbox)?

Each check also gives `attributes_matched`, the fraction of what the picture shows that the
code reproduces: per component its type, fill and text colours and text, and the page's
background; per chart each value and label, the title and the colour; per function its
outputs. Running is apart from comparing (chart_drawing, function_outputs), so that one
program's run can be compared with many references.

Generated code never runs in this process: every run goes through evaluate/sandbox.py."""

import ast
import json

from metagen.evaluate.html_page import parse_page
from metagen.evaluate.sandbox import run_untrusted

CHECK_SECONDS = 20.0
# Appended to a chart script in the sandbox: what its current axes draw, as JSON.
_CHART_FACTS = """
import json as _json, matplotlib.pyplot as _plt
from matplotlib.colors import to_hex as _hex
_ax = _plt.gcf().axes[0] if _plt.gcf().axes else None
_facts = {} if _ax is None else {
    "heights": [float(p.get_height()) for p in _ax.patches],
    "lines": [[float(v) for v in line.get_ydata()] for line in _ax.lines],
    "labels": [t.get_text() for t in _ax.get_xticklabels()],
    "title": _ax.get_title(),
    "colors": [_hex(p.get_facecolor()) for p in _ax.patches]
    + [_hex(line.get_color()) for line in _ax.lines],
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


def _page(html: str) -> tuple[str, list[tuple[str, str, str, str]]] | None:
    """(the container's background, its components in order: (tag, background or border
    colour, text colour, text)); None if the page holds no container with components."""
    try:
        root = parse_page(html)
    except (ValueError, AssertionError):  # html.parser's own errors on broken markup
        return None
    container = next((n for n in root.children if n.tag == "div"), None)
    if not html.lstrip().startswith("<div") or container is None or not container.children:
        return None
    components = [
        (node.tag, _fill(node.style), node.style.get("color", "").lower(),
         node.placeholder if node.tag == "input" else node.text)
        for node in container.children
    ]  # fmt: skip
    return container.style.get("background", "").lower(), components


def _fill(style: dict[str, str]) -> str:
    """A component's colour: its background, or else its border's colour (an input's)."""
    border = (style.get("border") or "").split()
    return (style.get("background") or (border[-1] if border else "")).lower()


def html_components(html: str) -> list[tuple[str, str, str, str]] | None:
    """The components of the page's container <div>, in order: (tag, background or border
    colour, text colour, text); None if it holds no container with components."""
    page = _page(html)
    return None if page is None else page[1]


def html_check(generated: str, reference: str) -> dict:
    """parses; the fraction of the reference's components (in order) whose type, text and
    colours the generated page has in the same place; and the fraction of attributes (each
    component's four, and the page's background) it has."""
    mine, theirs = _page(generated), _page(reference) or ("", [])
    if mine is None:
        return {"parses": False, "components_matched": 0.0, "attributes_matched": 0.0}
    same = sum(a == b for a, b in zip(mine[1], theirs[1], strict=False))
    places = max(len(theirs[1]), len(mine[1]))
    attributes = (mine[0] == theirs[0]) + sum(
        x == y for a, b in zip(mine[1], theirs[1], strict=False) for x, y in zip(a, b, strict=True)
    )
    return {
        "parses": True,
        "components_matched": same / places,
        "attributes_matched": attributes / (1 + 4 * places),
    }


def charts_can_run() -> bool:
    """Whether chart scripts can run here: the sandbox's child draws them with matplotlib."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def chart_drawing(script: str, timeout: float = CHECK_SECONDS) -> dict | None:
    """What the script's figure draws (bar heights, line values, tick labels, title,
    colours), run in the sandbox; None if it fails, runs out of time or draws no figure (an
    empty script runs, and draws nothing)."""
    result = run_untrusted(script + _CHART_FACTS, timeout=timeout)
    if not result.finished or "facts.json" not in result.files:
        return None
    return json.loads(result.files["facts.json"]) or None


def chart_compare(drawn: dict | None, facts: dict) -> dict:
    """chart_check's result for a figure's drawing against the reference's facts."""
    if drawn is None:
        return {"runs": False, "values_match": False, "labels_match": False,
                "attributes_matched": 0.0}  # fmt: skip
    values = drawn.get("heights") if facts["template"] == "bar" else (drawn.get("lines") or [[]])[0]
    values = [round(v, 6) for v in values or []]
    wanted = [float(v) for v in facts["values"]]
    labels = drawn.get("labels") or []
    places = max(len(wanted), len(values))
    matched = sum(a == b for a, b in zip(values, wanted, strict=False))
    matched += sum(a == b for a, b in zip(labels, facts["labels"], strict=False))
    matched += drawn.get("title") == facts["title"]
    shown = 2 * places + 1
    if "hex" in facts:  # the palette colour, where the reference names it
        colors = drawn.get("colors") or []
        matched += bool(colors) and all(c == facts["hex"] for c in colors)
        shown += 1
    return {
        "runs": True,
        "values_match": values == wanted,
        "labels_match": labels == facts["labels"] and drawn.get("title") == facts["title"],
        "attributes_matched": matched / shown,
    }


def chart_check(script: str, facts: dict, timeout: float = CHECK_SECONDS) -> dict:
    """runs (in the sandbox) and draws a figure; whether the figure's values, labels and
    title are the reference's facts; and the fraction of those (and its colour) it draws."""
    return chart_compare(chart_drawing(script, timeout), facts)


def function_outputs(code: str, inputs: list, timeout: float = CHECK_SECONDS) -> list | None:
    """The function's outputs on the inputs (an "error: ..." string where it raised), run in
    the sandbox; None if it does not compile to a module that defines a function, and [] if
    it gave no outputs (it hung or crashed)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    if not any(isinstance(node, ast.FunctionDef) for node in tree.body):
        return None
    result = run_untrusted(f"_INPUTS = {inputs!r}\n" + code + _FUNCTION_OUTPUTS, timeout)
    if not result.finished or "outputs.json" not in result.files:
        return []
    return json.loads(result.files["outputs.json"])


def function_compare(outputs: list | None, checks: list) -> dict:
    """function_check's result for a function's outputs on the checks' inputs."""
    if outputs is None:
        return {"compiles": False, "checks_passed": 0.0, "attributes_matched": 0.0}
    passed = sum(got == want for got, (_, want) in zip(outputs, checks, strict=False))
    return {"compiles": True, "checks_passed": passed / len(checks),
            "attributes_matched": passed / len(checks)}  # fmt: skip


def function_check(code: str, checks: list, timeout: float = CHECK_SECONDS) -> dict:
    """compiles to a module that defines a function; and the fraction of (input, output)
    checks the function passes, run in the sandbox (its attributes are its outputs)."""
    return function_compare(function_outputs(code, [x for x, _ in checks], timeout), checks)
