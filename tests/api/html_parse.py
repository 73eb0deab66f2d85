"""A tiny HTML reader for the web tests: the text of an element by id, and a table's rows (on the report
tests' parser, ``tests.reports.html_doc``)."""

from __future__ import annotations

from tests.reports.html_doc import Element, parse


class Page:
    """A parsed page: ``page.text_of("error-message")``, ``page.table("violations")``."""

    def __init__(self, html: str) -> None:
        self.root = parse(html).root

    def by_id(self, element_id: str) -> Element | None:
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
            [c.text() for c in r.children if isinstance(c, Element) and c.tag == "td"]
            for r in rows
            if any(isinstance(c, Element) and c.tag == "td" for c in r.children)
        ]

    def text(self) -> str:
        return self.root.text()

    def links(self) -> list[str]:
        return [str(n.attrs.get("href")) for n in self.root.iter() if n.tag == "a" and n.attrs.get("href")]
