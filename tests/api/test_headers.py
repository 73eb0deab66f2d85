"""File names in Content-Disposition come from user data: facility and inspector ids with æøå, dashes,
spaces and quotes must still give a valid header (it is Latin-1 on the wire)."""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient

from api.headers import content_disposition
from api.routes import reports as report_routes


def test_content_disposition_is_ascii_with_the_exact_name_as_filename_star() -> None:
    value = content_disposition("inline", 'tilbud-Tø æå – "1".pdf')
    value.encode("ascii")  # no character a header cannot carry
    assert value.startswith('inline; filename="tilbud-Toe_aeaa_1_.pdf"; ')
    assert unquote(value.split("filename*=UTF-8''")[1]) == 'tilbud-Tø æå – "1".pdf'
    assert content_disposition("attachment", "plan-1.ics") == (
        "attachment; filename=\"plan-1.ics\"; filename*=UTF-8''plan-1.ics"
    )


def test_facility_report_of_an_id_with_danish_letters_and_a_dash(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the report itself is tested elsewhere; here only the response around it
    monkeypatch.setattr(report_routes.reports, "facility_report", lambda *a, **k: object())
    monkeypatch.setattr(report_routes.reports, "render_report", lambda context, fmt: b"<html></html>")
    fid = "Tø æå – 10373"
    response = client.get(f"/api/v1/reports/facility/{quote(fid, safe='')}")
    assert response.status_code == 200
    assert unquote(response.headers["content-disposition"].split("''")[1]) == f"tilbud-{fid}.html"
