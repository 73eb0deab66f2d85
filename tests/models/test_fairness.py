"""The fairness audit on a hand-computed example."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from models.fairness import FairnessAudit, fairness_audit, finding_shares


def test_top_decile_shares_by_group() -> None:
    n = 20
    fac = pd.DataFrame(
        {
            "facility_id": [f"F{i}" for i in range(n)],
            "ownership": ["privat"] * 5 + ["kommunal"] * 15,
            "authority": ["syd"] * 10 + ["nord"] * 10,
        }
    )
    # The two riskiest (the top decile of 20) are F0 (privat, syd) and F10 (kommunal, nord).
    risk = [0.9] + [0.1] * 9 + [0.8] + [0.2] * 9
    audit = fairness_audit(pd.DataFrame({"facility_id": fac["facility_id"], "risk": risk}), fac)
    own = audit.tables["ownership"].set_index("group")
    assert own.loc["privat", "share_of_facilities"] == pytest.approx(0.25)
    assert own.loc["privat", "share_of_top_decile"] == pytest.approx(0.5)
    assert own.loc["privat", "top_decile_ratio"] == pytest.approx(2.0)
    assert own.loc["kommunal", "top_decile_ratio"] == pytest.approx(0.5 / 0.75)
    auth = audit.tables["authority"].set_index("group")
    assert auth.loc["syd", "in_top_decile"] == 1 and auth.loc["nord", "in_top_decile"] == 1
    assert auth.loc["nord", "median_risk"] == pytest.approx(0.2)
    data = audit.as_dict()
    json.dumps(data)
    again = FairnessAudit.from_dict(data)
    assert again.tables["ownership"]["group"].tolist() == ["kommunal", "privat"]


def test_finding_shares_give_context() -> None:
    labelled = pd.DataFrame(
        {"label": [1, 1, 1, 0], "ownership": ["privat", "kommunal", "kommunal", "privat"], "authority": "syd"}
    )
    shares = finding_shares(labelled)
    assert shares["ownership"] == pytest.approx({"privat": 1 / 3, "kommunal": 2 / 3})
    fac = pd.DataFrame({"facility_id": ["A", "B"], "ownership": ["privat", "kommunal"], "authority": ["syd", "syd"]})
    audit = fairness_audit(pd.DataFrame({"facility_id": ["A", "B"], "risk": [0.5, 0.4]}), fac, finding_shares=shares)
    own = audit.tables["ownership"].set_index("group")
    assert own.loc["kommunal", "share_of_serious_findings"] == pytest.approx(2 / 3)


def test_tilbud_tied_at_the_cut_share_its_places_whatever_the_order_of_their_ids() -> None:
    # A cold-start score with two values: 38 of 60 tilbud share the higher risk, and the top decile (6) took
    # the first six ids among them, so a group's share depended on how the tilsyn numbers its tilbud.
    n = 60
    fac = pd.DataFrame(
        {
            "facility_id": [f"F{i:02d}" for i in range(n)],
            "ownership": ["privat"] * 6 + ["kommunal"] * 54,
            "authority": "syd",
        }
    )
    risk = [0.069] * 38 + [0.047] * 22
    scores = pd.DataFrame({"facility_id": fac["facility_id"], "risk": risk})
    audit = fairness_audit(scores, fac)
    reversed_ids = fairness_audit(scores.iloc[::-1].reset_index(drop=True), fac)
    own = audit.tables["ownership"].set_index("group")
    assert own.loc["privat", "in_top_decile"] == pytest.approx(6 * 6 / 38)  # not 6 (the first six ids)
    assert own.loc["privat", "share_of_top_decile"] == pytest.approx(6 / 38)
    assert own.loc["privat", "top_decile_ratio"] == pytest.approx((6 / 38) / (6 / 60))
    pd.testing.assert_frame_equal(audit.tables["ownership"], reversed_ids.tables["ownership"])
    assert (audit.top_size, audit.tied_at_cut, audit.places_at_cut) == (6, 38, 6)
    again = FairnessAudit.from_dict(json.loads(json.dumps(audit.as_dict())))
    assert (again.tied_at_cut, again.places_at_cut) == (38, 6)
    # a tie that fits inside the decile is not a tie at the cut
    clear = fairness_audit(pd.DataFrame({"facility_id": fac["facility_id"], "risk": [0.9] * 6 + [0.1] * 54}), fac)
    assert clear.tied_at_cut == 0 and clear.tables["ownership"].set_index("group").loc["privat", "in_top_decile"] == 6


def test_a_stored_share_reads_back_as_the_share_shown_at_training() -> None:
    """One kommunal tilbud of 22 (Syd's opholdssteder): `train` printed 4,5 % and the model card, which reads the
    stored audit, 4,6 %: the store rounded 1/22 to 0.0455 and the card rounded that half up again."""
    from data.glossary import format_percent_da

    fac = pd.DataFrame(
        {"facility_id": [f"F{i}" for i in range(22)], "ownership": ["kommunal"] + ["privat"] * 21, "authority": "syd"}
    )
    audit = fairness_audit(pd.DataFrame({"facility_id": fac["facility_id"], "risk": [0.5] * 22}), fac)
    again = FairnessAudit.from_dict(json.loads(json.dumps(audit.as_dict())))
    shown = audit.tables["ownership"].set_index("group").loc["kommunal", "share_of_facilities"]
    stored = again.tables["ownership"].set_index("group").loc["kommunal", "share_of_facilities"]
    assert format_percent_da(shown, 1) == "4,5 %"
    assert format_percent_da(stored, 1) == format_percent_da(shown, 1)


def test_without_any_serious_finding_no_group_has_a_share_of_them() -> None:
    """Six years of theme scores 4-5 and no sanction: the model card's fairness table gave every ownership form and
    the one socialtilsyn "0,0 %" of the serious findings (shares of nothing, summing to 0 %); with none there is no
    share, and the card shows "–"."""
    labelled = pd.DataFrame({"label": [0, 0, 0], "ownership": ["privat", "kommunal", "privat"], "authority": "nord"})
    assert finding_shares(labelled) == {}
    fac = pd.DataFrame({"facility_id": ["A", "B"], "ownership": ["privat", "kommunal"], "authority": ["nord", "nord"]})
    scores = pd.DataFrame({"facility_id": ["A", "B"], "risk": [0.5, 0.4]})
    audit = fairness_audit(scores, fac, finding_shares=finding_shares(labelled))
    assert audit.tables["ownership"]["share_of_serious_findings"].isna().all()
