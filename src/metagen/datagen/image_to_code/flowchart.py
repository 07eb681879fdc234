"""Flowcharts: a short Python function, drawn as the flowchart of its control flow, paired
with the function. Each function comes from a template (a branch, a chain of branches, or a
loop) and a comparison; the pairs that pairs.py holds out are (template, comparison)
combinations.

render_flowchart(code) reads any function with ast and draws it top to bottom: an oval for
the start (its name and arguments) and for each return, a box for each other statement, and a
diamond for each `if` or `while` test. A statement inside a branch or a loop is drawn one
indent to the right, under a "yes" at its test; a loop's last statement has an arrow back up
to its test. Text is Pillow's built-in monospace font."""

from __future__ import annotations

import ast
import random

from PIL import Image, ImageDraw, ImageFont

CANVAS = (224, 192)
ROW = 26  # pixels from one shape's top to the next's
SHAPE_HEIGHT = 15
INDENT = 20
LEFT = 14
CHAR_WIDTH = 6
TEMPLATES = ("branch", "chain", "loop")
COMPARISONS = (">", "<", ">=", "<=")
NAMES = ("grade", "check", "level", "step", "rate")


def function_code(template: str, comparison: str, name: str, limit: int, step: int) -> str:
    """A function of one argument `x` whose control flow the template gives."""
    if template == "branch":
        body = [f"    if x {comparison} {limit}:", "        return 1", "    return 0"]
    elif template == "chain":  # the second test is looser than the first, so both can hold
        looser = limit - step if comparison in (">", ">=") else limit + step
        body = [f"    if x {comparison} {limit}:", "        return 2",
                f"    elif x {comparison} {looser}:", "        return 1",
                "    return 0"]  # fmt: skip
    else:
        body = ["    n = 0", f"    while x {comparison} {limit}:", f"        x = x + {step}",
                "        n = n + 1", "    return n"]  # fmt: skip
    return "\n".join([f"def {name}(x):", *body]) + "\n"


def random_function(rng: random.Random, template: str, comparison: str) -> str:
    # a loop must end: it steps towards its limit (up while x is below it, down while above)
    step = rng.randint(1, 3) * (1 if comparison in ("<", "<=") else -1)
    if template != "loop":
        step = abs(step)
    return function_code(template, comparison, rng.choice(NAMES), rng.randint(2, 9), step)


def _rows(statements: list[ast.stmt], depth: int, rows: list) -> None:
    """(depth, shape, text, loop start row or None) for each statement, in order."""
    for statement in statements:
        if isinstance(statement, ast.If):
            rows.append((depth, "diamond", ast.unparse(statement.test) + " ?", None))
            _rows(statement.body, depth + 1, rows)
            _rows(statement.orelse, depth, rows)
        elif isinstance(statement, ast.While):
            start = len(rows)
            rows.append((depth, "diamond", ast.unparse(statement.test) + " ?", None))
            _rows(statement.body, depth + 1, rows)
            last = rows[-1]
            rows[-1] = (*last[:3], start)  # its arrow goes back to the test
        elif isinstance(statement, ast.Return):
            value = ast.unparse(statement.value) if statement.value is not None else ""
            rows.append((depth, "oval", f"return {value}".strip(), None))
        else:
            rows.append((depth, "box", ast.unparse(statement), None))


def flowchart_rows(code: str) -> list[tuple[int, str, str, int | None]]:
    """The shapes of the first function in `code`, top to bottom. A SyntaxError if it does
    not parse; a ValueError if it holds no function."""
    tree = ast.parse(code)
    function = next((n for n in tree.body if isinstance(n, ast.FunctionDef)), None)
    if function is None:
        raise ValueError("the code defines no function")
    arguments = ", ".join(a.arg for a in function.args.args)
    rows: list = [(0, "oval", f"{function.name}({arguments})", None)]
    _rows(function.body, 0, rows)
    return rows


def render_flowchart(code: str) -> Image.Image:
    image = Image.new("RGB", CANVAS, "#ffffff")
    draw, font = ImageDraw.Draw(image), ImageFont.load_default_imagefont()
    rows = flowchart_rows(code)
    boxes = []
    for index, (depth, shape, text, _) in enumerate(rows):
        left, top = LEFT + depth * INDENT, 4 + index * ROW
        box = (left, top, left + CHAR_WIDTH * len(text) + 10, top + SHAPE_HEIGHT)
        boxes.append(box)
        if shape == "oval":
            draw.rounded_rectangle(box, radius=7, outline="#1d4ed8", width=1, fill="#dbeafe")
        elif shape == "diamond":
            middle = (box[1] + box[3]) // 2
            draw.polygon([(box[0], middle), (box[0] + 5, box[1]), (box[2] - 5, box[1]),
                          (box[2], middle), (box[2] - 5, box[3]), (box[0] + 5, box[3])],
                         outline="#b45309", fill="#fef3c7")  # fmt: skip
        else:
            draw.rectangle(box, outline="#374151", fill="#f3f4f6")
        draw.text((box[0] + 5, box[1] + 2), text, font=font, fill="#111827")
    for index in range(1, len(rows)):  # each shape from the one above it
        above, here = boxes[index - 1], boxes[index]
        x = here[0] + 4
        draw.line([(x, above[3]), (x, here[1])], fill="#374151")
        if rows[index][0] > rows[index - 1][0]:
            draw.text((x + 3, above[3] - 1), "yes", font=font, fill="#15803d")
    for index, (_, _, _, back) in enumerate(rows):
        if back is not None:  # a loop's arrow back to its test, on the left
            x = boxes[back][0] - 6
            y_from, y_to = (
                (boxes[index][1] + boxes[index][3]) // 2,
                (boxes[back][1] + boxes[back][3]) // 2,
            )
            draw.line([(boxes[index][0], y_from), (x, y_from), (x, y_to), (boxes[back][0], y_to)],
                      fill="#b91c1c")  # fmt: skip
    return image
