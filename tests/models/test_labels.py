"""Labels: a serious finding at a visit within the horizon; no visit means unlabelled."""

from __future__ import annotations

import pandas as pd

from data.dataset import Dataset
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


def test_severity_grades_the_lowest_visit_and_never_contradicts_the_label() -> None:
    from models.labels import POSITIVE_SEVERITY, severity_targets

    d1, d2 = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-07-01")
    labels = pd.DataFrame(
        {
            "facility_id": ["A", "B", "C", "D", "E", "A"],
            "date": [d1, d1, d1, d1, d1, d2],
            "label": [0, 1, 1, 1, 0, 0],
        }
    )
    values = pd.DataFrame(
        [  # visit, tilbud, date, offset-corrected theme value
            ("v1", "A", "2025-02-01", 4.0),
            ("v1", "A", "2025-02-01", 3.0),  # mean 3.5
            ("v2", "A", "2025-05-01", 3.0),
            ("v2", "A", "2025-05-01", 2.6),  # mean 2.8: A's lowest in d1's window
            ("v3", "B", "2025-03-01", 1.5),
            ("v3", "B", "2025-03-01", 2.1),  # mean 1.8: severity 3.2
            ("v4", "C", "2025-03-01", 2.0),
            ("v4", "C", "2025-03-01", 4.0),  # one theme at 2, mean 3.0: label 1
            ("v5", "A", "2025-08-01", 4.5),  # after d1's window, inside d2's
            ("v6", "E", "2024-12-01", 1.0),  # before E's snapshot: not in its window
        ],
        columns=["visit_id", "facility_id", "date", "cal"],
    ).assign(date=lambda f: pd.to_datetime(f["date"]))
    got = severity_targets(labels, values, horizon_months=6).round(6).tolist()
    # A at d1: 5 - 2.8; B: 5 - 1.8; C: mean 3.0 gives 2.0, raised to the label's line 3; D: a sanction alone
    # (no theme value) -> 3; E: no value in its window, a negative -> the graded negatives' mean, (2.2 + 0.5) / 2;
    # A at d2: 5 - 4.5
    assert got == [2.2, 3.2, POSITIVE_SEVERITY, POSITIVE_SEVERITY, 1.35, 0.5]
    assert POSITIVE_SEVERITY == 3.0


def test_the_training_frame_carries_the_severity_of_every_labelled_snapshot() -> None:
    from models.risk_model import RiskModel

    ds = small_dataset()
    frame = RiskModel(training_years=2).training_frame(ds, AS_OF)
    assert len(frame) and frame["severity"].notna().all()
    positives, negatives = frame[frame["label"] == 1], frame[frame["label"] == 0]
    assert (positives["severity"] >= 3.0).all()
    assert negatives["severity"].max() < 3.0  # every theme above 2: a mean above 2 (up to a tilsyn's offset)


def _with_unscored_visits(*visits: tuple[str, str, str]) -> Dataset:
    """The factory with extra visits (id, facility, date) that carry no theme or indicator score."""
    ds = small_dataset()
    extra = pd.DataFrame(
        [(v, f, d, False, "operational", "I1") for v, f, d in visits],
        columns=["visit_id", "facility_id", "date", "announced", "kind", "inspector_ids"],
    )
    return ds.with_tables(visits=pd.concat([ds.visits.assign(date=ds.visits["date"].dt.strftime("%Y-%m-%d")), extra]))


def test_a_visit_without_scores_labels_nothing() -> None:
    # A visit without any score cannot say "nothing serious found": nobody recorded what was found. Before, F5's
    # follow-up made the January snapshot a negative, and F6's (with a påbud after it) a positive that was
    # labelled only because it was positive.
    ds = _with_unscored_visits(("V9", "F5", "2025-03-03"), ("V10", "F6", "2025-03-05"), ("V11", "F2", "2025-02-02"))
    sanctions = pd.DataFrame([("F6", "2025-03-10", "paabud")], columns=["facility_id", "date", "kind"])
    ds = ds.with_tables(
        sanctions=pd.concat([ds.sanctions.assign(date=ds.sanctions["date"].dt.strftime("%Y-%m-%d")), sanctions])
    )
    lab = label_snapshots(ds, [pd.Timestamp("2025-01-01")], 6).set_index("facility_id")["label"].to_dict()
    assert "F5" not in lab  # only a visit without scores in the horizon: unlabelled, not "nothing found"
    assert "F6" not in lab  # the same with a påbud: not labelled just because it was positive
    assert lab["F2"] == 0  # V3 (scored 5, 4, 5) labels it; the unscored V11 beside it changes nothing
    assert lab["F1"] == 1


def test_unscored_visits_counts_the_visits_the_labels_are_read_from() -> None:
    from models.labels import unscored_visits

    ds = _with_unscored_visits(("V9", "F5", "2025-03-03"), ("V12", "F5", "2022-01-05"))
    dates = [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-06-01")]
    # the horizons cover 2025-01-01 .. 2025-12-01: V2, V3, V5 (scored) and V9 (not); V12 is older
    assert unscored_visits(ds, dates, 6, ds.visit_theme_values()) == (4, 1)
    assert unscored_visits(small_dataset(), dates, 6, small_dataset().visit_theme_values()) == (3, 0)
    assert unscored_visits(ds, [], 6, ds.visit_theme_values()) == (0, 0)
