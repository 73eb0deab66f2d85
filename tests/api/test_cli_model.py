"""The risk model's CLI (train, score, explain) over a small simulated world in a temporary database."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest

import data.store as store
from api.cli import main
from api.commands.model import _print_train
from api.services import risk as risk_service
from api.services.risk import TrainReport
from data.dataset import Dataset
from data.importer import FileReport, ImportResult
from data.risk_store import latest_risk_run
from data.settings import Settings
from data.store import open_database, save_upload
from models.fairness import FairnessAudit
from tests.factories import inspectors_frame, small_dataset
from tests.models.sim import simulate
from tests.reports.test_build import model_meta

AS_OF = "2026-01-01"


def _store(ds: Dataset, settings: Settings) -> None:
    tables = [name for name, frame in ds.tables().items() if len(frame)]
    files = {name: FileReport(name, f"{name}.csv", len(ds.tables()[name]), ",", False, False) for name in tables}
    save_upload(open_database(settings), ImportResult(ds, [], files), "test")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("home")
    ds, _ = simulate(seed=8, facilities=150, years=6, as_of=dt.date(2026, 1, 1))
    _store(ds, Settings(home=path))
    return path


def run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def test_score_trains_first_when_no_model_exists(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(home, capsys, "score", "--as-of", AS_OF, "--format", "csv")
    assert code == 0, err
    assert "trænet nu" in err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"facility_id", "name", "authority", "facility_type", "risk", "rank", "top_factors"} <= set(rows[0])
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    risks = [float(r["risk"]) for r in rows]
    assert risks == sorted(risks, reverse=True) and 0 <= risks[-1] <= risks[0] <= 1
    assert rows[0]["top_factors"]  # Danish sentences
    run_ = latest_risk_run(open_database(Settings(home=home)))
    assert run_ is not None and len(run_.scores) == len(rows)
    assert set(run_.scores["tier"]) == {"høj", "forhøjet", "normal"}


def test_train_prints_metrics_reliability_offsets_and_audit(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(home, capsys, "train", "--as-of", AS_OF)
    assert code == 0, err
    for text in ("AUC", "Ekspertscore", "Kalibrering", "Socialtilsyn Syd", "Retfærdighed", "ejerform", "Gemt i"):
        assert text in out


def _train_report(model_auc: float) -> TrainReport:
    card = copy.deepcopy(model_meta())
    card["metrics"]["model"]["auc"] = model_auc  # the expert score has 0.74
    card["calibrator"] = {"method": "platt", "a": 1.0, "b": 0.0}
    card["best_iteration"] = 40
    authority = {"group": "midt", "facilities": 20, "share_of_facilities": 1.0, "in_top_decile": 2,
                 "share_of_top_decile": 1.0, "top_decile_ratio": 1.0, "share_of_serious_findings": 1.0}  # fmt: skip
    card["fairness"]["groups"]["authority"] = [authority]
    for rows in card["fairness"]["groups"].values():
        for row in rows:
            row["median_risk"] = 0.05
    return TrainReport(
        card["version"], dt.date(2026, 10, 1), Path("m"), card, FairnessAudit.from_dict(card["fairness"]), {}
    )


def test_train_marks_a_factor_without_data_as_the_model_card_does(capsys: pytest.CaptureFixture[str]) -> None:
    # The model card says "ingen data indlæst" for a factor no loaded data informed (5d57d7c); `train`'s table of the
    # most important factors printed its 0,000 as if it had been measured and found unimportant.
    report = _train_report(0.81)
    report.importance.update({"theme_min": 0.412, "concerns_12m": 0.0, "sanctions_5y": 0.0})
    report.card["features_without_data"] = ["concerns_12m"]
    _print_train(report)
    lines = capsys.readouterr().out.splitlines()
    concerns = next(line for line in lines if "Bekymringshenvendelser " in line)
    sanctions = next(line for line in lines if "Påbud" in line)
    assert "ingen data indlæst" in concerns and "0,000" not in concerns
    assert "0,000" in sanctions and "ingen data" not in sanctions


def test_train_says_when_the_model_ranks_worse_than_a_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    # On a tilsyn's own data the latest mean theme value (AUC 0.960) beat the model (0.929) on the held-out
    # period; only the model card said so, as a bare difference.
    _print_train(_train_report(0.70))
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "Bemærk: modellen rangerer ringere end den bedste baseline (ekspertscore) på valideringsperioden: "
        "AUC 0,700 mod 0,740." in out
    )
    _print_train(_train_report(0.81))
    assert "Bemærk" not in capsys.readouterr().out


def test_train_lists_a_blend_as_the_risk_model_and_lightgbm_alone_below_its_name(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A kept LightGBM whose lead on C is within the noise is blended with the expert score; `train`'s table still
    # called LightGBM alone "Risikomodel" and showed no row for the blend, the risk every list and plan uses
    # (the model card and the demo's line gave the blend's AUC). Its "ranks worse than a baseline" note compared
    # LightGBM alone.
    from api.cli_app import console

    monkeypatch.setattr(console, "width", 300)  # a table row on one line
    report = _train_report(0.73)  # below the expert score's 0,740 alone, above it blended
    report.card["blend"] = {"weight": 0.7, "shift": -0.1, "auc": 0.752, "precision_top10": 0.31}
    _print_train(report)
    lines = capsys.readouterr().out.splitlines()
    alone = next(line for line in lines if "LightGBM alene" in line)
    blend = next(line for line in lines if "blandet med ekspertscoren" in line)
    assert "0,730" in alone and "0,752" in blend and "31,0 %" in blend
    assert lines.index(alone) < lines.index(blend)
    assert not any(line.split("│")[1:2] == [" Risikomodel "] for line in lines)  # no row names LightGBM so
    assert "ringere end den bedste baseline" not in " ".join(lines)
    del report.card["blend"]["precision_top10"]  # a card stored before the blend kept its precision
    _print_train(report)
    lines = capsys.readouterr().out.splitlines()
    assert "–" in next(line for line in lines if "blandet med ekspertscoren" in line)


def test_the_apis_train_answer_gives_a_blends_figures_beside_lightgbm_alone() -> None:
    # POST /api/v1/model/train answered the card's metrics: `model` (LightGBM alone) with no sign of the blend, the
    # risk every list and plan uses.
    from api.schemas import TrainPublic

    report = _train_report(0.73)
    plain = TrainPublic.from_report(report).metrics
    assert "blend" not in plain and plain["model"]["auc"] == 0.73
    report.card["blend"] = {"weight": 0.7, "shift": -0.1, "auc": 0.752, "precision_top10": 0.31}
    metrics = TrainPublic.from_report(report).metrics
    assert list(metrics)[:2] == ["model", "blend"]
    assert metrics["blend"] == {**metrics["model"], "auc": 0.752, "precision_top10": 0.31}
    assert metrics["model"] == plain["model"]


def test_train_writes_its_counts_in_danish_form(capsys: pytest.CaptureFixture[str]) -> None:
    # On a 2,600-tilbud world the tables read "8758" rows and "11618" theme values beside "13.081" in the periods.
    report = _train_report(0.81)
    for row in report.card["metrics"].values():
        row["rows"] = 8758.0
    report.card["reliability"][0]["n"] = 4379
    report.card["authority_offsets"]["counts"] = {"syd": 11618, "midt": 1477}
    _print_train(report)
    lines = capsys.readouterr().out.splitlines()
    model_row = next(line for line in lines if line.startswith("│ Risikomodel"))
    assert "│ 8.758 " in model_row
    assert any(line.startswith("│ 1 ") and "│ 4.379 " in line for line in lines)
    assert any("Socialtilsyn Syd" in line and "│ 11.618 " in line for line in lines)
    assert any("Socialtilsyn Midt" in line and "│ 1.477 " in line for line in lines)
    for digits in ("8758", "4379", "11618", "1477"):
        assert digits not in " ".join(lines)


def test_train_counts_only_the_months_with_labelled_snapshots(capsys: pytest.CaptureFixture[str]) -> None:
    report = _train_report(0.81)
    report.card.update(
        training_rows=1665, snapshots=55, labelled_months=24, labelled_period=["2024-06-17", "2026-05-17"]
    )
    _print_train(report)
    out = " ".join(capsys.readouterr().out.split())
    assert "1.665 mærkede øjebliksbilleder fra 24 måneder (2024-06 – 2026-05), 300 med alvorligt fund" in out


def test_train_says_how_many_visits_carried_no_scores(capsys: pytest.CaptureFixture[str]) -> None:
    # A real export has visits without scores; `train` treated them as "nothing serious found" without a word.
    report = _train_report(0.81)
    report.card.update(label_visits=2030, unscored_visits=2030)
    _print_train(report)
    out = " ".join(capsys.readouterr().out.split())
    assert "Bemærk: Alle de 2.030 tilsynsbesøg, som træningens øjebliksbilleder mærkes ud fra, har ingen scorer" in out
    assert "et øjebliksbillede, hvor horisonten kun har besøg uden scorer, er umærket" in out
    assert "»dage siden seneste besøg«" in out
    report.card.update(unscored_visits=200)  # under a tenth: a few follow-ups, nothing said
    _print_train(report)
    assert "uden scorer" not in capsys.readouterr().out


def test_train_does_not_print_an_identity_platt_step_as_a_calibration(capsys: pytest.CaptureFixture[str]) -> None:
    # "kalibrering på periode C: Platt, sigmoid(1,000 × margin + 0,000)" beside the link's line read as if a second
    # fit did something: with the trees learning the severity the link makes the log-odds, and Platt is the identity
    report = _train_report(0.81)
    report.card["link"] = {"a": 0.912, "b": -3.1}
    _print_train(report)
    out = " ".join(capsys.readouterr().out.split())
    assert "kalibrering på periode C: risiko = sigmoid(margin); margin er træernes output gjort til log-odds" in out
    assert "margin (log-odds) = 0,912 × træernes output − 3,100" in out and "Platt" not in out
    report.card["link"] = None  # trees that learnt the yes/no label: Platt's own fit is the calibration
    report.card["calibrator"] = {"method": "platt", "a": 0.8, "b": -0.25}
    _print_train(report)
    assert "kalibrering på periode C: Platt, sigmoid(0,800 × margin − 0,250)" in " ".join(
        capsys.readouterr().out.split()
    )


def test_train_names_missing_theme_values_and_no_error_against_no_finding(capsys: pytest.CaptureFixture[str]) -> None:
    # c01 of the QA's hand-built data: five socialtilsyn, no theme scores, no serious finding. `train` printed an
    # empty offsets table, "Negativ forskydning: ..." and "Forventet kalibreringsfejl (ECE): 6,3 %" against none.
    report = _train_report(0.81)
    report.card.update(
        authority_offsets={"offsets": {}, "counts": {}, "method": "m"},
        authorities=["hovedstaden", "midt", "nord", "oest", "syd"],
        expected_calibration_error=None,
    )
    _print_train(report)
    out = " ".join(capsys.readouterr().out.split())
    assert "Ingen temaværdier indlæst: tilsynenes niveau kan ikke beregnes" in out
    assert "Negativ forskydning" not in out and "Tilsynenes kalibrering (seed 001)" not in out
    assert "ECE" not in out
    assert "Ingen alvorlige fund i den periode, kalibreringen er målt på: kalibreringsfejlen kan ikke beregnes." in out


def test_train_without_labelled_snapshots_prints_no_empty_tables(capsys: pytest.CaptureFixture[str]) -> None:
    # A three-month export: nothing labelled, so nothing to measure. `train` printed the metrics table and the
    # reliability table as bare headers, with nothing saying why they were empty.
    report = _train_report(0.81)
    reason = "Ingen mærkede øjebliksbilleder: besøgsdataene begynder 1. juli 2026 …: ekspertscoren bruges."
    report.card.update(
        kind="expert", cold_start=True, cold_start_reason=reason, training_rows=0, positive_labels=0,
        labelled_months=0, labelled_period=None, metrics={}, reliability=[], periods=[],
        expected_calibration_error=None,
    )  # fmt: skip
    _print_train(report)
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    assert f"LightGBM bruges ikke: {reason}" in flat and "Kold start" not in flat
    assert "AUC" not in out and "gns. forudsagt" not in out
    assert "Ingen mærkede øjebliksbilleder at måle ekspertscoren, baselines og kalibreringen på." in flat


def test_a_model_trained_without_findings_reports_no_calibration_error() -> None:
    from models.risk_model import RiskModel

    ds = small_dataset()
    # no serious finding: no sanction, every score 4 or 5 (the reliability table observes 0 % in every group)
    ds = ds.with_tables(
        sanctions=ds.sanctions.iloc[0:0],
        indicator_scores=ds.indicator_scores.assign(score=lambda f: f["score"].clip(4)),
    )
    model = RiskModel(min_positive_labels=10**6, snapshot_step_months=6).fit(ds, dt.date(2026, 10, 1))
    card = model.card()
    assert card["positive_labels"] == 0 and card["reliability"]
    assert card["expected_calibration_error"] is None
    assert card["authorities"] == ["midt", "nord"]


def test_score_says_when_the_list_comes_from_the_expert_score(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the risk report said "(ekspertscore, kold start)" but the score table of the same run did not
    _store(small_dataset(), Settings(home=tmp_path))
    code, out, err = run(tmp_path, capsys, "score", "--as-of", "2026-10-01")
    assert code == 0, err
    assert "— ekspertscore, kørsel" in " ".join(out.split())
    code, out, err = run(tmp_path, capsys, "score", "--as-of", "2026-10-01", "--format", "json")
    assert code == 0 and json.loads(out)["cold_start"] is True


def test_score_one_authority_as_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        home, capsys, "score", "--as-of", AS_OF, "--authority", "syd", "--top", "5", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert len(data["scores"]) == 5
    assert {s["authority"] for s in data["scores"]} == {"syd"}
    assert [s["rank"] for s in data["scores"]] == [1, 2, 3, 4, 5]
    factor = data["scores"][0]["top_factors"][0]
    assert set(factor) == {"feature", "value", "comparison", "shap", "text"}


def test_explain_one_facility_and_unknown_id(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(home, capsys, "explain", "S0001", "--as-of", AS_OF)
    assert code == 0, err
    assert "Tilbud 1" in out and "risiko" in out and "log-odds" in out
    assert "mod et gennemsnitligt tilbud" in " ".join(out.split())  # what a contribution is measured against
    code, out, err = run(home, capsys, "explain", "S0001", "--as-of", AS_OF, "--format", "json")
    data = json.loads(out)
    assert abs(data["base_value"] + sum(f["shap"] for f in data["factors"]) - data["margin"]) < 1e-4
    code, _, err = run(home, capsys, "explain", "NOPE", "--as-of", AS_OF)
    assert code == 3 and "NOPE" in err and "findes ikke" in err


def test_bad_arguments(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(home, capsys, "score", "--format", "xml", "--as-of", AS_OF)
    assert code == 2 and "xml" in err
    code, _, err = run(home, capsys, "score", "--authority", "narnia", "--as-of", AS_OF)
    assert code == 2 and "narnia" in err and "hovedstaden" in err


def test_no_data_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(tmp_path, capsys, "train", "--as-of", AS_OF)
    assert code == 3 and "Importér" in err


def test_explain_without_warning_signs_says_so_instead_of_listing_zeros(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the required files: no findings, so the expert score (cold start) is used, and a tilbud with no
    warning sign gets exactly the base value. Its factors all contribute 0: none may be shown as lowering
    the risk."""
    ds, _ = simulate(seed=5, facilities=60, years=4, as_of=dt.date(2026, 1, 1))
    empty = {name: ds.tables()[name].iloc[0:0] for name in ("indicator_scores", "theme_scores", "sanctions")}
    _store(ds.with_tables(**empty), Settings(home=tmp_path))
    code, out, err = run(tmp_path, capsys, "score", "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)["scores"]
    base = min(float(r["risk"]) for r in rows)
    calm = next(r["facility_id"] for r in rows if float(r["risk"]) == base)
    code, out, err = run(tmp_path, capsys, "explain", calm, "--as-of", AS_OF, "--format", "json")
    factors = json.loads(out)["factors"]
    if any(abs(f["shap"]) >= 0.005 for f in factors):
        pytest.skip("every tilbud of this world shows a warning sign")
    code, out, err = run(tmp_path, capsys, "explain", calm, "--as-of", AS_OF)
    assert code == 0, err
    assert "Ekspertscore (LightGBM bruges ikke)" in out
    assert "ingen advarselstegn" in out and "↓" not in out and "↑" not in out


def test_a_bad_option_value_is_wrong_usage_not_a_traceback(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (("score", "--top", "0"), ("score", "--as-of", "2026-13-01"), ("score", "--bogus"), ("explain",)):
        code, _, err = run(home, capsys, *args)
        assert code == 2, (args, err)
        assert "Traceback" not in err, args
    _, _, err = run(home, capsys, "score", "--top", "0")
    assert "--top" in err


def test_an_authority_without_tilbud_is_said_not_an_empty_table(capsys: pytest.CaptureFixture[str]) -> None:
    # a tilsyn that imports only its own tilbud (Midt) and asks for Nord
    from api.commands.model import _print_scores
    from api.services.risk import ScoreResult

    empty = pd.DataFrame(columns=["facility_id", "name", "authority", "facility_type", "risk", "rank", "tier"])
    result = ScoreResult(scores=empty, run_id=1, model_version="v", as_of=dt.date(2026, 1, 1))
    _print_scores(result, "table", None, "nord")
    out = capsys.readouterr().out
    assert "Ingen aktive tilbud i Socialtilsyn Nord pr. 2026-01-01" in out
    assert "rang" not in out  # no empty table


def test_train_score_and_explain_dispose_every_database_engine_they_open(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The web app serves explanations request after request: an engine left open keeps a pool of
    # connections (on PostgreSQL, server connections) until the garbage collector finds it.
    opened: list[object] = []
    disposed: list[object] = []
    real_open = store.open_database

    def counting_open(settings: Settings) -> object:
        engine = real_open(settings)
        opened.append(engine)
        real_dispose = engine.dispose
        monkeypatch.setattr(engine, "dispose", lambda *a, **k: (disposed.append(engine), real_dispose(*a, **k)))
        return engine

    monkeypatch.setattr(store, "open_database", counting_open)
    settings = Settings(home=home)
    day = dt.date(2026, 1, 1)
    risk_service.train_model(settings, as_of=day)
    result = risk_service.score_facilities(settings, as_of=day)
    risk_service.explain_facility(settings, str(result.scores["facility_id"].iloc[0]), as_of=day)
    assert len(opened) >= 3
    assert {id(e) for e in opened} == {id(e) for e in disposed}


def test_score_says_when_data_were_imported_after_the_model_was_trained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a new import, score used the older model without a word: the new data were scored, not learnt."""
    from sqlalchemy import update

    from data.db import ImportBatchRow

    ds, _ = simulate(seed=6, facilities=60, years=4, as_of=dt.date(2026, 1, 1))
    settings = Settings(home=tmp_path)
    _store(ds, settings)
    code, _, err = run(tmp_path, capsys, "score", "--as-of", AS_OF, "--format", "csv")
    assert code == 0 and "trænet nu" in err and "før seneste import" not in err
    code, _, err = run(tmp_path, capsys, "score", "--as-of", AS_OF, "--format", "csv")
    assert code == 0 and "før seneste import" not in " ".join(err.split())  # nothing imported since

    def import_later(data: Dataset, batch_id: int) -> dt.datetime:
        """A later import (its time set past the training, which ran within the same second)."""
        _store(data, settings)
        engine = open_database(settings)
        with engine.begin() as conn:
            later = dt.datetime.now().replace(microsecond=0) + dt.timedelta(minutes=5)
            conn.execute(update(ImportBatchRow).where(ImportBatchRow.id == batch_id).values(imported_at=later))
        engine.dispose()
        return later

    # the same export again (a nightly job): every row unchanged, nothing new to learn from
    import_later(ds, 2)
    code, _, err = run(tmp_path, capsys, "score", "--as-of", AS_OF, "--format", "csv")
    assert code == 0 and "før seneste import" not in " ".join(err.split()), err
    # an agreed visit locked, an absence added: planning data the model never learns from
    inspectors = inspectors_frame().head(1)
    absence = pd.DataFrame({"inspector_id": inspectors["inspector_id"], "start": [pd.Timestamp("2027-03-01")],
                            "end": [pd.Timestamp("2027-03-05")]})  # fmt: skip
    import_later(Dataset.from_frames({"inspectors": inspectors, "absences": absence}), 3)
    code, _, err = run(tmp_path, capsys, "score", "--as-of", AS_OF, "--format", "csv")
    assert code == 0 and "før seneste import" not in " ".join(err.split()), err
    concerns = ds.concerns.head(1).assign(date=pd.Timestamp("2025-12-01"), concern_id=None)
    later = import_later(ds.with_tables(concerns=pd.concat([ds.concerns, concerns], ignore_index=True)), 4)
    code, _, err = run(tmp_path, capsys, "score", "--as-of", AS_OF, "--format", "csv")
    assert code == 0, err
    err = " ".join(err.split())
    assert f"før seneste import ({later:%Y-%m-%d %H:%M})" in err and "Kør 'tilsynsplan train'" in err


def test_train_says_when_the_audits_top_decile_is_too_few_tilbud_to_read(capsys: pytest.CaptureFixture[str]) -> None:
    """One socialtilsyn's 23 tilbud (Nord, seed 21): the top 10 % are 3 tilbud, and the audit printed
    "selvejende … andel af top 10 % 0,0 %, forhold 0,00" beside "andel af alvorlige fund 55,9 %" with nothing to
    say that one tilbud moves a share by 33 points."""
    import dataclasses

    report = _train_report(0.81)
    small = dataclasses.replace(report, fairness=dataclasses.replace(report.fairness, top_size=3, facilities=23))
    _print_train(small)
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "Top 10 % er kun 3 tilbud: ét tilbud flytter en gruppes andel af toppen 33 point, så forholdene siger "
        "lidt om skævhed." in out
    )
    large = dataclasses.replace(report, fairness=dataclasses.replace(report.fairness, top_size=30, facilities=296))
    _print_train(large)
    assert "Top 10 % er kun" not in capsys.readouterr().out


def _expert_report(mean_predicted: float, base_rate: float) -> TrainReport:
    report = _train_report(0.81)
    rows = 8056
    report.card.update(kind="expert", cold_start=True, periods=[], cold_start_reason="0 alvorlige fund …")
    report.card["metrics"] = {
        name: {"auc": None, "precision_top10": 0.0, "base_rate": base_rate, "rows": float(rows)}
        for name in ("model", "random", "latest_theme_mean", "expert")
    }
    report.card["reliability"] = [
        {"bin": 1, "n": rows // 2, "mean_predicted": mean_predicted / 2, "observed_rate": base_rate},
        {"bin": 2, "n": rows // 2, "mean_predicted": mean_predicted * 3 / 2, "observed_rate": base_rate},
    ]
    return report


def test_train_says_when_the_expert_scores_percentages_are_far_from_what_was_found(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No serious finding in 8.056 labelled snapshots, and the cold start listed tilbud at 45,1 % "sandsynlighed
    for alvorligt fund": the expert score's fixed points, read as a probability the history contradicts."""
    _print_train(_expert_report(0.132, 0.0))
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "Bemærk: Ekspertscorens risici er faste point omregnet til procent, ikke tilpasset jeres data: på de 8.056 "
        "mærkede øjebliksbilleder gav den i gennemsnit 13,2 %, mens 0,0 % blev fulgt af et alvorligt fund. Læs dens "
        "risici som en rangorden, ikke som sandsynligheder." in out
    )
    _print_train(_expert_report(0.096, 0.101))  # close to what was found (a 12-month export): nothing to say
    assert "faste point omregnet" not in capsys.readouterr().out


def test_score_notes_say_the_expert_scores_percentages_are_not_what_the_history_found(tmp_path: Path) -> None:
    """The risk list (CLI, API `notes`, the risk report) of a history without serious findings: the cold start
    listed tilbud at up to 45,1 % with no word that none of 8.056 labelled snapshots had a finding."""
    ds, _ = simulate(seed=3, facilities=60, years=4, as_of=dt.date(2026, 1, 1))
    themes = ds.theme_scores.assign(score=ds.theme_scores["score"].clip(lower=3.0))
    ds = ds.with_tables(theme_scores=themes, sanctions=ds.sanctions.iloc[0:0])
    settings = Settings(home=tmp_path, today=dt.date(2026, 1, 1))  # type: ignore[call-arg]
    _store(ds, settings)
    result = risk_service.score_facilities(settings, as_of=dt.date(2026, 1, 1))
    assert result.cold_start
    [note] = [n for n in result.notes if n.startswith("Ekspertscorens risici er faste point")]
    assert ", mens 0,0 % blev fulgt af et alvorligt fund. Læs dens risici som en rangorden" in note


def test_train_says_when_the_evaluated_calibration_rests_on_few_findings(capsys: pytest.CaptureFixture[str]) -> None:
    # 40 tilbud over five years: period B held 1 serious finding in 78 rows; the reliability table read 1-7 %
    # predicted against 64-79 % found, with nothing said, while the model that scores is calibrated on C.
    report = _train_report(0.81)
    report.card["periods"] = [
        {"name": "A", "start": "2021-06-15", "end": "2023-08-15", "rows": 290, "positives": 52},
        {"name": "B", "start": "2024-02-15", "end": "2024-07-15", "rows": 78, "positives": 1},
        {"name": "C", "start": "2025-01-15", "end": "2025-11-15", "rows": 140, "positives": 27},
    ]
    _print_train(report)
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "Bemærk: Kalibreringen i tabellen er tilpasset på perioden for tidlig stop og kalibrering, som kun har 1 "
        "alvorligt fund: tabellen siger derfor lidt om de risici, modellen giver nu. Den model, der scorer, er "
        "kalibreret på valideringsperioden (27 alvorlige fund)." in out
    )
    report.card["periods"][1]["positives"] = 12
    _print_train(report)
    assert "Kalibreringen i tabellen" not in capsys.readouterr().out
