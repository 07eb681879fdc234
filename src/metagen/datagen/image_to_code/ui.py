"""UI mockups as HTML/CSS, and the renderer that draws that HTML: a page is one container
<div> holding one to three components, each a <button>, an <input> or a card <div>, styled
inline with background, color, padding, border-radius (and border for an input). The
renderer reads this subset of HTML back (evaluate/html_page.py) and draws it with Pillow, so that a
picture is always a rendering of its code, and code a model writes can be drawn the same way.

Layout: the container fills the canvas with its padding; components stack from the top,
GAP apart, left-aligned; a button or input is as wide as its text plus its padding (an input
at least INPUT_MIN_WIDTH), a card spans the container. Text is Pillow's built-in font."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFont

from metagen.evaluate.html_page import PageNode, parse_page

CANVAS = (192, 144)  # width, height
GAP = 8
FONT_SIZE = 12
INPUT_MIN_WIDTH = 96
KINDS = ("button", "input", "card")
COLORS = {  # name -> hex, the palette the generator draws from
    "blue": "#2563eb", "green": "#16a34a", "red": "#dc2626", "orange": "#ea580c",
    "purple": "#7c3aed", "teal": "#0d9488", "gray": "#6b7280", "black": "#111827",
}  # fmt: skip
PAGE_BACKGROUNDS = ("#ffffff", "#f3f4f6", "#fef3c7", "#e0f2fe")
LABELS = ("Save", "Cancel", "Submit", "Login", "Next", "Back", "Search", "Send", "Open", "Buy")
PLACEHOLDERS = ("Email", "Name", "Password", "City", "Phone", "Search")
TITLES = ("Profile", "Settings", "Orders", "Welcome", "Billing", "Alerts")


def component_html(kind: str, color: str, text: str, padding: tuple[int, int], radius: int) -> str:
    """One component's HTML: a filled button, a bordered input, or a filled card."""
    pad = f"padding:{padding[0]}px {padding[1]}px;border-radius:{radius}px"
    if kind == "button":
        return f'<button style="background:{color};color:#ffffff;{pad}">{text}</button>'
    if kind == "input":
        return (f'<input placeholder="{text}" style="background:#ffffff;color:#6b7280;'
                f'border:2px solid {color};{pad}">')  # fmt: skip
    return f'<div class="card" style="background:{color};color:#ffffff;{pad}">{text}</div>'


def page_html(background: str, components: list[str]) -> str:
    inner = "\n".join(f"  {c}" for c in components)
    return f'<div style="background:{background};padding:12px">\n{inner}\n</div>\n'


def random_page(rng: random.Random, kinds: list[str], colors: list[str]) -> str:
    """A page of the given component kinds, each in the given colour name."""
    parts = []
    for kind, color in zip(kinds, colors, strict=True):
        text = rng.choice({"button": LABELS, "input": PLACEHOLDERS, "card": TITLES}[kind])
        padding = (rng.choice((4, 6, 8)), rng.choice((8, 12, 16)))
        parts.append(component_html(kind, COLORS[color], text, padding, rng.choice((0, 4, 8))))
    return page_html(rng.choice(PAGE_BACKGROUNDS), parts)


def _px(value: str | None, default: int = 0) -> int:
    try:
        return int(float((value or "").removesuffix("px")))
    except ValueError:
        return default


def _padding(style: dict[str, str]) -> tuple[int, int]:
    parts = [_px(p) for p in style.get("padding", "0").split()]
    return (parts[0], parts[1] if len(parts) > 1 else parts[0]) if parts else (0, 0)


def _color(value: str | None, default: str) -> str:
    value = (value or "").strip()
    return value if value.startswith("#") and len(value) in (4, 7) else default


def render_page(html: str) -> Image.Image:
    """The picture of a page: its container's background, then each component."""
    root = parse_page(html)
    container = next((n for n in root.children if n.tag == "div"), PageNode("div"))
    image = Image.new("RGB", CANVAS, _color(container.style.get("background"), "#ffffff"))
    draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=FONT_SIZE)
    inset = _px(container.style.get("padding"), 0)
    top = inset
    for node in container.children:
        text = node.placeholder if node.tag == "input" else node.text
        pad_y, pad_x = _padding(node.style)
        left, _, right, bottom = font.getbbox(text or " ")
        width = right - left + 2 * pad_x
        if node.tag == "input":
            width = max(width, INPUT_MIN_WIDTH)
        if node.tag == "div":
            width = CANVAS[0] - 2 * inset
        height = FONT_SIZE + 2 * pad_y
        border = node.style.get("border", "").split()
        outline = _color(border[-1], "#000000") if border else None
        draw.rounded_rectangle(
            (inset, top, inset + width - 1, top + height - 1),
            radius=_px(node.style.get("border-radius")),
            fill=_color(node.style.get("background"), "#ffffff"),
            outline=outline, width=_px(border[0], 1) if border else 1,
        )  # fmt: skip
        draw.text((inset + pad_x, top + pad_y), text, font=font,
                  fill=_color(node.style.get("color"), "#000000"))  # fmt: skip
        top += height + GAP
    return image
