"""The architecture diagram (SVG) of a plan: its components in the plan's order, each with its
role and exact parameter count, and the shape of the tensor each one hands on where it was
traced (report/shapes.py). Pure Python and text: any browser or LaTeX converter reads it."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

DIAGRAM_FILE = "architecture.svg"  # in a run's docs/
WIDTH = 680
BOX_HEIGHT = 62
GAP = 34
MARGIN = 20
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"


def _text(x: float, y: float, text: str, size: int = 12, weight: str = "normal",
          anchor: str = "start", colour: str = "#222") -> str:  # fmt: skip
    return (
        f"<text x='{x:.0f}' y='{y:.0f}' font-size='{size}' font-weight='{weight}' "
        f"text-anchor='{anchor}' fill='{colour}' {FONT}>{escape(text)}</text>"
    )


def _shorten(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def architecture_svg(plan: dict[str, Any], shapes: dict[str, Any] | None = None) -> str:
    """The SVG text. `shapes` is traced_shapes' result, or None: no shapes, said so."""
    roles = {part["name"]: part.get("role", "") for part in plan.get("architecture", [])}
    total = plan["params_total"] or 1
    outputs = (shapes or {}).get("outputs", {})
    inputs = (shapes or {}).get("inputs", {})
    rows = len(plan["components"]) + 2
    height = 2 * MARGIN + 40 + rows * BOX_HEIGHT + (rows - 1) * GAP + 24
    title = (
        f"{plan['name']}: {plan['arch']} for {plan['task']}, {plan['params_total']:,} parameters"
    )
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{height}' "
        f"viewBox='0 0 {WIDTH} {height}'>",
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' "
        "markerHeight='7' orient='auto'><path d='M0,0 L10,5 L0,10 z' fill='#555'/></marker></defs>",
        f"<rect width='{WIDTH}' height='{height}' fill='white'/>",
        _text(WIDTH / 2, MARGIN + 14, _shorten(title, 90), 14, "bold", "middle"),
    ]
    y: float = MARGIN + 40
    shown_inputs = ", ".join(f"{name} {shape}" for name, shape in inputs.items() if shape)
    parts += _box(y, "input", plan.get("flops_sample") or "one example", shown_inputs, "#eef3f8")
    for component in plan["components"]:
        y = _arrow(parts, y)
        name = component["name"]
        share = component["params"] / total
        detail = f"{component['params']:,} parameters ({100 * share:.1f}%)"
        parts += _box(y, name, roles.get(name, ""), detail, "#f7f7f7", share)
        shape = outputs.get(name)
        if shape:
            parts.append(_text(WIDTH / 2 + 10, y + BOX_HEIGHT + GAP / 2 + 4, shape, 11,
                               colour="#1f5fa8"))  # fmt: skip
    y = _arrow(parts, y)
    parts += _box(y, "output", f"task: {plan['task']}", "", "#eef3f8")
    if shapes is None or shapes.get("not_traced") or not outputs:
        why = (shapes or {}).get(
            "not_traced", "not traced (`metagen plan --diagram` and `metagen train` trace them)"
        )
        parts.append(_text(MARGIN, height - MARGIN + 6, f"Shapes between components: {why}.",
                           10, colour="#777"))  # fmt: skip
    else:
        parts.append(_text(MARGIN, height - MARGIN + 6, "Blue: the shape each component hands "
                           "on for one example (batch 1), traced by running the model.", 10,
                           colour="#777"))  # fmt: skip
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _box(y: float, name: str, role: str, detail: str, fill: str, share: float = 0.0) -> list:
    x, width = MARGIN, WIDTH - 2 * MARGIN
    box = [
        f"<rect x='{x}' y='{y:.0f}' width='{width}' height='{BOX_HEIGHT}' rx='6' fill='{fill}' "
        "stroke='#888'/>",
    ]
    if share > 0:  # a bar as long as this component's share of the parameters
        box.append(
            f"<rect x='{x}' y='{y + BOX_HEIGHT - 5:.0f}' width='{max(1.0, width * share):.1f}' "
            "height='5' rx='2' fill='#4c8bd6'/>"
        )
    box += [
        _text(x + 12, y + 22, name, 13, "bold"),
        _text(x + 12, y + 40, _shorten(role, 88), 11, colour="#444"),
        _text(x + width - 12, y + 22, detail, 11, anchor="end", colour="#333"),
    ]
    return box


def _arrow(parts: list, y: float) -> float:
    top = y + BOX_HEIGHT
    parts.append(
        f"<line x1='{WIDTH / 2:.0f}' y1='{top:.0f}' x2='{WIDTH / 2:.0f}' y2='{top + GAP - 2:.0f}' "
        "stroke='#555' stroke-width='1.5' marker-end='url(#arrow)'/>"
    )
    return top + GAP


def write_diagram(plan: dict[str, Any], path, trace: bool) -> None:
    """The diagram of `plan` into `path`, written whole; `trace` runs the model for shapes
    (imports torch)."""
    from pathlib import Path

    shapes = None
    if trace:
        from metagen.report.shapes import traced_shapes

        names = [component["name"] for component in plan["components"]]
        shapes = traced_shapes(plan["arch"], plan["dims"], names, plan["params_total"])
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(architecture_svg(plan, shapes), encoding="utf-8")
    tmp.replace(path)
