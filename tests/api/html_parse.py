"""A tiny HTML reader for the web tests (stdlib only): the text of an element by id, and a table's rows."""

from __future__ import annotations

from html.parser import HTMLParser

_VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: _Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[_Node | str] = []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self) -> list[_Node]:
        out: list[_Node] = [self]
        for c in self.children:
            if isinstance(c, _Node):
                out.extend(c.iter())
        return out


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: _Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


class Page:
    """A parsed page: ``page.text_of("error-message")``, ``page.table("violations")``."""

    def __init__(self, html: str) -> None:
        builder = _Builder()
        builder.feed(html)
        self.root = builder.root

    def by_id(self, element_id: str) -> _Node | None:
        return next((n for n in self.root.iter() if n.attrs.get("id") == element_id), None)

    def text_of(self, element_id: str) -> str:
        node = self.by_id(element_id)
        assert node is not None, f"no element with id {element_id!r}"
        return node.text()

    def table(self, element_id: str) -> list[list[str]]:
        """Body rows of a table as lists of cell texts (header rows with <th> left out)."""
        node = self.by_id(element_id)
        assert node is not None, f"no table with id {element_id!r}"
        rows = [n for n in node.iter() if n.tag == "tr"]
        return [
            [c.text() for c in r.children if isinstance(c, _Node) and c.tag == "td"]
            for r in rows
            if any(isinstance(c, _Node) and c.tag == "td" for c in r.children)
        ]

    def text(self) -> str:
        return self.root.text()

    def links(self) -> list[str]:
        return [str(n.attrs.get("href")) for n in self.root.iter() if n.tag == "a" and n.attrs.get("href")]
