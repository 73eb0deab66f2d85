"""``bench/chicago.py``: the Chicago README's figures, on hand-computed tiny cases and on the real data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.bench.scripts import load_script

chicago = load_script("chicago")
T = pd.Timestamp


def tiny() -> pd.DataFrame:
    # five inspections on four days; positives are rows 0, 3 and 4
    return pd.DataFrame(
        {
            "Inspection_Date": [T("2014-09-01"), T("2014-09-01"), T("2014-09-02"), T("2014-09-03"), T("2014-09-04")],
            "criticalFound": [1, 0, 0, 1, 1],
            "Inspector_Assigned": ["blue", "green", "green", "blue", "green"],
            "score": [0.1, 0.2, 0.3, 0.9, 0.8],
        }
    )


def test_actual_first_half_share_counts_positives_before_the_median_date() -> None:
    t = tiny()
    # median date 2014-09-02; before it: rows 0 and 1, one positive of three
    assert chicago.actual_first_half_share(t["Inspection_Date"], t["criticalFound"]) == pytest.approx(1 / 3)


def test_first_half_share_counts_positives_scoring_above_the_median_score() -> None:
    t = tiny()
    # median score 0.3; above it rows 3 and 4, both positive
    assert chicago.first_half_share(t["score"], t["criticalFound"]) == pytest.approx(2 / 3)


def test_days_earlier_pooled_and_within_group() -> None:
    t = tiny()
    ev = chicago.evaluate(t, t["score"])
    # pooled: 3 -> 09-01, 4 -> 09-01, 2 -> 09-02, 1 -> 09-03, 0 -> 09-04
    # positives: row 0 -3 days, row 3 +2, row 4 +3 -> mean 2/3
    assert ev["pooled"]["days_earlier"] == pytest.approx(2 / 3)
    assert ev["pooled"]["scheduled_first_half_share"] == pytest.approx(2 / 3)
    assert ev["pooled"]["first_half_share"] == pytest.approx(2 / 3)
    # within group: blue has 09-01 and 09-03: row 3 (0.9) -> 09-01, row 0 (0.1) -> 09-03
    # green has 09-01, 09-02, 09-04: row 4 (0.8) -> 09-01, row 2 (0.3) -> 09-02, row 1 (0.2) -> 09-04
    # positives: row 0 -2, row 3 +2, row 4 +3 -> mean 1; before 09-02: rows 3 and 4 -> 2/3
    assert ev["within_group"]["days_earlier"] == pytest.approx(1.0)
    assert ev["within_group"]["scheduled_first_half_share"] == pytest.approx(2 / 3)


def test_perfect_knowledge_and_random_reference() -> None:
    t = tiny()
    perfect = chicago.evaluate(t, t["criticalFound"].astype(float))
    # positives take 09-01, 09-01, 09-02: (0 + 2 + 2) / 3 days
    assert perfect["pooled"]["days_earlier"] == pytest.approx(4 / 3)
    # the third positive gets 09-02, the median date itself: not "before the median"
    assert perfect["pooled"]["scheduled_first_half_share"] == pytest.approx(2 / 3)
    rnd = chicago.random_orderings(t, runs=200, seed=1)
    assert rnd["mean"]["pooled"]["days_earlier"] < perfect["pooled"]["days_earlier"]
    assert rnd["p97_5"]["pooled"]["days_earlier"] >= rnd["mean"]["pooled"]["days_earlier"]


def test_window_start_moves_history_back_and_hides_visits_inside_the_window() -> None:
    t = pd.DataFrame(
        {
            "Inspection_Date": [T("2014-09-02"), T("2014-10-02"), T("2014-10-02"), T("2014-10-02")],
            "ageAtInspection": [5.0, 5.0, 5.0, 5.0],
            "timeSinceLast": [1.0, 1.0, 0.05, 2.0],
        }
    )
    out = chicago.at_window_start(t)
    assert out["ageAtInspection"].tolist() == pytest.approx([5.0, 5.0 - 30 / 365, 5.0 - 30 / 365, 5.0 - 30 / 365])
    assert out["timeSinceLast"].iloc[1] == pytest.approx(1.0 - 30 / 365)
    assert np.isnan(out["timeSinceLast"].iloc[2])  # previous inspection inside the window: unknown
    assert out["timeSinceLast"].iloc[3] == 2.0  # the 2-year cap stays


@pytest.mark.skipif(not chicago.CSV.is_file(), reason="the Chicago data is not next to the checkout")
def test_reproduces_the_published_figures() -> None:
    train, test = chicago.load()
    assert (len(train), len(test), int(test["criticalFound"].sum())) == (17075, 1637, 258)
    # actual order: 141 of 258 positives before the median date
    assert chicago.actual_first_half_share(test["Inspection_Date"], test["criticalFound"]) == pytest.approx(141 / 258)
    # the published model (glmnet ridge on the inspector dummies): 178 / 258 and 7.44 days
    with_group = chicago.evaluate(test, chicago.logistic_scores(train, test, "as_published", group=True))
    assert with_group["pooled"]["first_half_share"] == pytest.approx(178 / 258)
    assert round(with_group["pooled"]["days_earlier"], 2) == 7.44
    # without the group: the README's leakage-free logistic 57.8 % and 2.3 days
    without = chicago.evaluate(test, chicago.logistic_scores(train, test, "as_published", group=False))
    assert round(100 * without["pooled"]["first_half_share"], 1) == 57.8
    assert round(without["pooled"]["days_earlier"], 1) == 2.3


def test_a_missing_inspection_file_is_a_usage_error_naming_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = f"{tmp_path}/nowhere.csv"
    monkeypatch.setattr("sys.argv", ["chicago.py", "--csv", missing])
    with pytest.raises(SystemExit) as info:
        chicago.main()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"no inspection file at {missing}" in err and "--csv PATH" in err


def test_a_file_without_the_chicago_columns_names_the_missing_ones(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    pd.DataFrame({"License": [1], "Inspection_Date": ["2014-09-02"]}).to_csv(path, index=False)
    with pytest.raises(SystemExit) as info:
        chicago.load(path)
    message = str(info.value.code)
    assert message.startswith(f"{path}: missing column(s) ")
    assert "criticalFound" in message and "split" in message and "License," not in message
