"""What probing the web pages (``api/routes/web.py``) with bad input and broken states found: each test is one
request that answered a 500, a server folder, a command a browser user cannot run, an echo of 10,000 characters,
a generic error page in place of the form, or a value the form's own words refuse."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import imports
from tests.api.conftest import AUTH, make_settings
from tests.api.html_parse import Page
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder

#: An inspector's name as a CSV may hold it: matplotlib read "$…$" as TeX, and "\frac" without its arguments
#: failed to parse.
TEX_NAME = r"Pia $\frac$ Hansen"


def no_commands(text: str) -> None:
    """A web page tells a person what to do on the pages, never a CLI command, an API call or a server folder."""
    for word in ("tilsynsplan ", "/api/v1", "Authorization", "MAPPE"):
        assert word not in text, text


# --- an inspector's name drawn in the plan's capacity chart -------------------------------------------------


@pytest.fixture(scope="module")
def odd_names(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The small dataset with an inspector named with dollar signs, and plan 1 (2026Q4) made through the API."""
    root = tmp_path_factory.mktemp("odd_names")
    ds = small_dataset()
    inspectors = ds.inspectors.copy()
    inspectors.loc[0, "name"] = TEX_NAME
    settings = make_settings(root / "home", solver_time_limit_s=5.0)
    imports.import_upload(settings, write_csv_folder(ds.with_tables(inspectors=inspectors), root / "in"))
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/v1/plans", json={"quarter": "2026Q4"}, headers=AUTH)
        assert response.status_code == 201, response.text
        yield client


@pytest.mark.parametrize("headers", [{}, AUTH], ids=["reader", "planner"])
def test_an_inspector_named_with_dollar_signs_does_not_break_the_plan_page(
    odd_names: TestClient, headers: dict[str, str]
) -> None:
    """Before: every plan page (and the plan's PDF) answered 500 for everyone, from one name in inspectors.csv."""
    response = odd_names.get("/planer/1", headers=headers)
    assert response.status_code == 200, response.text[:500]
    assert TEX_NAME in Page(response.text).text()  # the name as written, not typeset
