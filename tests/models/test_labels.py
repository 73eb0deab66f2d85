"""Labels: a serious finding at a visit within the horizon; no visit means unlabelled."""

from __future__ import annotations

import pandas as pd

from models.labels import label_snapshots, snapshot_dates
from tests.factories import AS_OF, small_dataset


def test_snapshot_dates_cover_the_window_and_leave_the_horizon_out() -> None:
    dates = snapshot_dates(AS_OF, horizon_months=6, training_years=1)
    assert dates[0] == pd.Timestamp("2025-10-01")
    assert dates[-1] == pd.Timestamp("2026-04-01")  # + 6 months = the as-of date
    assert len(dates) == 7
    quarterly = snapshot_dates(AS_OF, 6, 2, step_months=3)
    assert [d.strftime("%Y-%m") for d in quarterly] == [
        "2024-10",
        "2025-01",
        "2025-04",
        "2025-07",
        "2025-10",
        "2026-01",
        "2026-04",
    ]


def test_labels_of_the_factory() -> None:
    ds = small_dataset()
    dates = [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-06-01")]
    lab = label_snapshots(ds, dates, 6).set_index(["date", "facility_id"])["label"]
    jan = lab.loc[pd.Timestamp("2025-01-01")].to_dict()
    # F1: V2 (2025-04-08) has themes 1.75 and 1.0 <= 2, and a påbud on 2025-04-20 -> positive.
    # F2: V3 (2025-01-20) scored 5, 4, 5 -> negative. F3..F6: no visit in the window -> unlabelled.
    assert jan == {"F1": 1, "F2": 0}
    # From June: F4's V5 (2025-09-15) scored 4 and 3 -> negative; nothing else.
    assert lab.loc[pd.Timestamp("2025-06-01")].to_dict() == {"F4": 0}


def test_a_serious_sanction_alone_labels_positive_and_vilkaar_does_not() -> None:
    ds = small_dataset()
    sanctions = pd.DataFrame(
        [("F3", "2025-02-01", "skaerpet_tilsyn"), ("F5", "2025-02-01", "vilkaar")],
        columns=["facility_id", "date", "kind"],
    )
    ds = ds.with_tables(sanctions=sanctions)
    lab = label_snapshots(ds, [pd.Timestamp("2025-01-01")], 6).set_index("facility_id")["label"].to_dict()
    assert lab["F3"] == 1
    assert "F5" not in lab  # vilkaar is neither a finding nor a visit
