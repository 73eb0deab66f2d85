"""Forms that create something are sent once: a double-click on "Lav plan" made two plans."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.forms import submit_once
from api.services import imports
from data.errors import FormInProgressError
from data.settings import Settings
from data.store import open_database
from tests.api.conftest import TOKEN, make_settings
from tests.api.html_parse import Page
from tests.api.test_app_web import form_files
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder


def form_token(client: TestClient, path: str) -> str:
    node = next(n for n in Page(client.get(path).text).root.iter() if n.attrs.get("name") == "form_token")
    return str(node.attrs["value"])


@pytest.fixture(scope="module")
def planner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("forms")
    settings = make_settings(root / "home", solver_time_limit_s=5.0)
    imports.import_upload(settings, write_csv_folder(small_dataset(), root / "in"))
    with TestClient(create_app(settings)) as client:
        client.post("/login", data={"token": TOKEN})
        yield client


def test_the_plan_form_sent_twice_makes_one_plan(planner: TestClient) -> None:
    before = len(planner.get("/api/v1/plans").json())
    token = form_token(planner, "/planer")
    fields = {"quarter": "2027K1", "authority": "nord", "time_limit_s": "5", "form_token": token}
    first = planner.post("/planer", data=fields, follow_redirects=False)
    second = planner.post("/planer", data=fields, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"]  # the second is answered with the first's plan
    assert len(planner.get("/api/v1/plans").json()) == before + 1
    # a new form (a new token), or the same form with other values, is a new plan
    again = planner.post(
        "/planer", data={**fields, "form_token": form_token(planner, "/planer")}, follow_redirects=False
    )
    assert again.headers["location"] != first.headers["location"]
    assert len(planner.get("/api/v1/plans").json()) == before + 2


def test_a_failed_send_can_be_sent_again(planner: TestClient) -> None:
    """A send that failed created nothing: sending the same form again tries again (it is not left waiting)."""
    fields = {"quarter": "2027K1", "time_limit_s": "hurtigt", "form_token": form_token(planner, "/planer")}
    assert planner.post("/planer", data=fields).status_code == 422
    assert planner.post("/planer", data=fields).status_code == 422


def test_the_forms_say_they_are_working_while_sent(planner: TestClient) -> None:
    for path, form_id in (("/planer", "plan-form"), ("/upload", "upload-form")):
        form = Page(planner.get(path).text).by_id(form_id)
        assert form is not None and form.attrs.get("data-busy-status"), path
        assert any(n.attrs.get("role") == "status" for n in form.iter()), path
    assert form_token(planner, "/planer") != form_token(planner, "/planer")  # one token per form shown


def test_the_upload_form_sent_twice_imports_once(client: TestClient, small_folder: Path) -> None:
    client.post("/login", data={"token": TOKEN})
    token = form_token(client, "/upload")
    first = client.post("/upload", files=form_files(small_folder), data={"form_token": token})
    assert Page(first.text).text_of("upload-summary").startswith("Import #1 gemt")
    second = client.post("/upload", files=form_files(small_folder), data={"form_token": token})
    assert second.status_code == 200
    assert Page(second.text).text_of("upload-already").startswith("Formularen var allerede sendt")
    assert "import #1" in Page(second.text).text_of("upload-already")
    assert Page(client.get("/").text).text_of("loaded").count("Seneste import #1") == 1


@pytest.fixture
def migrated(settings: Settings) -> Settings:
    open_database(settings).dispose()  # the two sends below start at once: not both creating the database
    return settings


def test_a_second_send_waits_for_the_first_and_gets_its_result(migrated: Settings) -> None:
    settings = migrated
    calls: list[int] = []

    async def slow() -> str:
        calls.append(1)
        await asyncio.sleep(0.6)
        return "/planer/7"

    async def both() -> list[str]:
        token = "t" * 43
        sends = await asyncio.gather(
            submit_once(settings, token, "plan", slow), submit_once(settings, token, "plan", slow)
        )
        return [s.result for s in sends]

    assert asyncio.run(both()) == ["/planer/7", "/planer/7"]
    assert calls == [1]


def test_a_second_send_gives_up_with_a_danish_message_while_the_first_works(migrated: Settings) -> None:
    settings = migrated

    async def slow() -> str:
        await asyncio.sleep(1.5)
        return "/planer/7"

    async def both() -> None:
        token = "u" * 43
        first = asyncio.create_task(submit_once(settings, token, "plan", slow))
        await asyncio.sleep(0.3)
        try:
            await submit_once(settings, token, "plan", slow, wait_s=0.2)
        finally:
            await first

    with pytest.raises(FormInProgressError, match="Formularen er allerede sendt"):
        asyncio.run(both())
