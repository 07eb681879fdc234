"""Code screenshots: a short Python function, rendered in Pillow's built-in monospace font
(6 x 11 pixels a character) on a light or dark editor background, paired with the code and a
one-line description of what it does. Each snippet comes from a template (what the function
does) and an operation (how it combines values); the pairs that split.py holds out are
(template, operation) combinations.

render_code(code) draws any code the same way, so a picture is always its code's rendering."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFont

CANVAS = (224, 96)  # holds 36 characters a line, 7 lines
MARGIN = 4
LINE_HEIGHT = 12
CHAR_WIDTH = 6  # the built-in font's advance
THEMES = {"light": ("#ffffff", "#111827"), "dark": ("#1f2937", "#e5e7eb")}
# operation -> (the expression that combines `total` and `x`, what it computes, its start)
OPERATIONS = {
    "add": ("total + x", "sum", "0"),
    "multiply": ("total * x", "product", "1"),
    "max": ("max(total, x)", "largest", "float('-inf')"),
    "min": ("min(total, x)", "smallest", "float('inf')"),
}
TEMPLATES = ("loop", "filtered", "squares")
NAMES = ("values", "items", "numbers", "data", "xs")


def snippet(template: str, operation: str, name: str) -> tuple[str, str]:
    """(code, description) of a function that folds a list with `operation`."""
    combine, what, start = OPERATIONS[operation]
    head = f"def {what}_of({name}):"
    if template == "loop":
        body = [f"    total = {start}", f"    for x in {name}:", f"        total = {combine}"]
        description = f"Returns the {what} of the values in {name}."
    elif template == "filtered":
        body = [f"    total = {start}", f"    for x in {name}:", "        if x > 0:",
                f"            total = {combine}"]  # fmt: skip
        description = f"Returns the {what} of the positive values in {name}."
    else:
        body = [f"    total = {start}", f"    for x in {name}:", "        x = x * x",
                f"        total = {combine}"]  # fmt: skip
        description = f"Returns the {what} of the squares of the values in {name}."
    return "\n".join([head, *body, "    return total"]) + "\n", description


def random_snippet(rng: random.Random, template: str, operation: str) -> tuple[str, str, str]:
    """(code, description, theme)."""
    code, description = snippet(template, operation, rng.choice(NAMES))
    return code, description, rng.choice(sorted(THEMES))


def render_code(code: str, theme: str = "light") -> Image.Image:
    background, ink = THEMES[theme]
    image = Image.new("RGB", CANVAS, background)
    draw, font = ImageDraw.Draw(image), ImageFont.load_default_imagefont()
    for row, line in enumerate(code.splitlines()):
        draw.text((MARGIN, MARGIN + row * LINE_HEIGHT), line, font=font, fill=ink)
    return image
