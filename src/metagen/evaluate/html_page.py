"""A page of HTML as a tree of elements with their inline styles: what the image-to-code
renderer draws (datagen/image_to_code/ui.py) and what the checks of written HTML compare
(code_checks.py). Tolerant: unknown tags and styles are kept, for the reader to ignore."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageNode:
    tag: str
    style: dict[str, str] = field(default_factory=dict)
    text: str = ""
    children: list = field(default_factory=list)  # PageNode each
    placeholder: str = ""


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = PageNode("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        node = PageNode(tag, parse_style(values.get("style") or ""),
                        placeholder=values.get("placeholder") or "")  # fmt: skip
        self.stack[-1].children.append(node)
        if tag != "input":  # a void element: it holds nothing
            self.stack.append(node)

    def handle_endtag(self, tag):
        if len(self.stack) > 1 and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip():
            self.stack[-1].text += data.strip()


def parse_style(style: str) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in style.split(";") if ":" in item)
    return {key.strip().lower(): value.strip() for key, value in pairs}


def parse_page(html: str) -> PageNode:
    """The page's tree: root -> the container -> its components. Tolerant: unknown tags
    and styles are kept and ignored by the renderer."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.root
