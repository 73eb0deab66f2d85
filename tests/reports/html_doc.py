"""Reading a rendered report as a reader would (stdlib ``html.parser``): the visible text, elements with
their attributes, the inline charts, and every URL the document would fetch."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}
#: UTF-8 read as Latin-1/cp1252: what æ, ø, å, Æ, Ø, Å, – and „ turn into when an encoding goes wrong.
MOJIBAKE = ("Ã¦", "Ã¸", "Ã¥", "Ã†", "Ã˜", "Ã…", "â€", "Â ", "\ufffd")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self) -> list[Element]:
        out: list[Element] = [self]
        for c in self.children:
            if isinstance(c, Element):
                out.extend(c.iter())
        return out

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.iter() if e.tag == tag and all(e.attrs.get(k) == v for k, v in attrs.items())]

    def with_attr(self, name: str) -> list[Element]:
        return [e for e in self.iter() if name in e.attrs]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


@dataclass
class Document:
    html: str
    root: Element

    @property
    def body_text(self) -> str:
        """The visible text (no style, no chart internals)."""
        body = self.root.find_all("body")[0]
        return _text_without(body, {"style", "svg", "script"})

    def svgs(self) -> list[Element]:
        return self.root.find_all("svg")

    def external_urls(self) -> list[str]:
        """Every URL the document would load or link to outside itself (``src``/``href`` to a scheme
        other than ``data:`` or a ``#fragment``; ``url(...)`` and ``@import`` in CSS)."""
        found = []
        for e in self.root.iter():
            for name in ("src", "href", "xlink:href", "srcset", "poster", "data"):
                value = e.attrs.get(name)
                if value and not value.startswith(("#", "data:")):
                    found.append(value)
        for style in self.root.find_all("style"):
            css = style.text()
            found += [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", css) if not u.startswith(("#", "data:"))]
            found += re.findall(r"@import\s+([^;]+)", css)
        return found


def _text_without(element: Element, skip: set[str]) -> str:
    parts = []
    for c in element.children:
        if isinstance(c, str):
            parts.append(c)
        elif c.tag not in skip:
            parts.append(_text_without(c, skip))
    return " ".join(" ".join(parts).split())


def parse(html: str) -> Document:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return Document(html, builder.root)
