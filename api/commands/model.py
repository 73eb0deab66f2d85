"""Risk model commands: ``train``, ``score`` and ``explain`` (thin over ``api.services.risk``)."""

from __future__ import annotations

import datetime as dt
import math
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from api.cli_app import DataTable, app, console, err_console, print_json, settings
from data.enums import Authority, FacilityType
from data.errors import InvalidArgumentError
from data.glossary import (
    HYPERPARAMETER_VALUE_DA,
    NO_CALIBRATION_ERROR_DA,
    NOTHING_TO_MEASURE_DA,
    RISK_FEATURE_DA,
    RISK_SCORE_DA,
    authority_levels_da,
    danish_code,
    fairness_small_top_da,
    fairness_tie_da,
    format_number_da,
    format_percent_da,
    thin_calibration_da,
    unscored_visits_da,
)

if TYPE_CHECKING:  # the risk services import LightGBM and SHAP: only when a command runs
    from api.services.risk import ScoreResult, TrainReport

FORMATS = ("table", "csv", "json")

AsOf = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        metavar="ÅÅÅÅ-MM-DD",
        help="Dato (ÅÅÅÅ-MM-DD) der scores/trænes pr. Standard: i dag.",
    ),
]


def _day(value: dt.datetime | None) -> dt.date | None:
    return None if value is None else value.date()


def _num(value: Any, decimals: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_number_da(float(value), decimals)


def _pct(value: Any, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_percent_da(float(value), decimals)


def _print_train(report: TrainReport) -> None:
    card = report.card
    console.print(
        f"[bold]Risikomodel {report.version}[/] trænet pr. {report.as_of.isoformat()} "
        f"(træningsvindue {card['training_window'][0]} – {card['training_window'][1]})"
    )
    period = card.get("labelled_period")  # a card stored before it was kept has only the window's months
    months = card.get("labelled_months", card["snapshots"])
    span = f" ({period[0][:7]} – {period[1][:7]})" if period else ""
    console.print(
        f"{_num(card['training_rows'], 0)} mærkede øjebliksbilleder fra {months} måneder{span}, "
        f"{_num(card['positive_labels'], 0)} med alvorligt fund inden for horisonten."
    )
    if unscored := unscored_visits_da(card.get("label_visits"), card.get("unscored_visits")):
        console.print(f"[yellow]Bemærk:[/] {unscored}")
    if report.cold_start:
        console.print(f"[yellow]LightGBM bruges ikke:[/] {card['cold_start_reason']}")
        heading = "Ekspertscore og baselines på alle mærkede øjebliksbilleder (intet holdt ude: intet er lært)"
    else:
        test = next(p for p in card["periods"] if p["name"] == "C")
        heading = (
            f"Validering på den seneste periode {test['start']} – {test['end']} ({_num(test['rows'], 0)} rækker), "
            "som den evaluerede model ikke har set"
        )
    # nothing labelled (a short export): no table of bare headers, one line that says why it is empty
    unmeasured = not card["metrics"] and not card["reliability"]
    if unmeasured:
        console.print(NOTHING_TO_MEASURE_DA)
    else:
        metrics = DataTable("score", "AUC", "præcision i top 10 %", "andel med fund", "rækker", title=heading)
        for row in report.metrics_table().to_dict(orient="records"):
            # a blend's LightGBM alone is not the risk used: its row says so, the blend's row below it is
            key = "model_blended" if row["score"] == "model" and row["blended"] else row["score"]
            metrics.add_row(
                RISK_SCORE_DA.get(key, key),
                _num(row["auc"]),
                _pct(row["precision_top10"]),
                _pct(row["base_rate"]),
                _num(row["rows"] or 0, 0),
            )
        console.print(metrics)
    from api.services.risk import expert_percentages_note  # the services import LightGBM: only when it runs

    if report.cold_start and (gap := expert_percentages_note(card)):
        console.print(f"[yellow]Bemærk:[/] {gap}")
    best = report.best_baseline()
    # the risk used: a blend's AUC on C when LightGBM is blended with the expert score, else LightGBM's
    model_auc = (card.get("blend") or {}).get("auc", card["metrics"].get("model", {}).get("auc"))
    if not report.cold_start and best is not None and model_auc is not None and model_auc < best[1]:
        console.print(
            f"[yellow]Bemærk:[/] modellen rangerer ringere end den bedste baseline "
            f"({RISK_SCORE_DA.get(best[0], best[0]).lower()}) på valideringsperioden: AUC {_num(model_auc)} mod "
            f"{_num(best[1])}. Den gemte model bruges alligevel af score, plan og rapporter; læs dens risici med "
            "det forbehold (modelkortet viser sammenligningen)."
        )
    from models.risk_model import lead_note_da  # imports LightGBM, as the services: only when it runs

    if lead := lead_note_da(card):
        console.print(f"[yellow]Bemærk:[/] {lead}")
    if card["periods"]:
        periods = DataTable("periode", "fra", "til", "rækker", "alvorlige fund", title="Tidsordnede perioder")
        use = {
            "A": "træning",
            "B": "tidlig stop + kalibrering (evaluering)",
            "C": "test; kalibrering af den endelige model",
        }
        if card.get("short_history"):
            use = {"A": "træning (evaluering)", "C": "kalibrering + test; den endelige model er trænet på A + C"}
            console.print(
                f"Kort historik: for få måneder til tre perioder; {card['best_iteration']} træer uden tidligt stop. "
                "Modellen bruges, fordi den rangerede C bedre end ekspertscoren; pålidelighedstabellen er målt på "
                "den periode, kalibreringen blev tilpasset på."
            )
        for p in card["periods"]:
            periods.add_row(
                f"{p['name']} ({use[p['name']]})", p["start"], p["end"], _num(p["rows"], 0), _num(p["positives"], 0)
            )
        console.print(periods)
        cal = card["calibrator"]
        link = card.get("link")
        if cal.get("method") == "platt" and link and round(cal["a"], 3) == 1 and round(cal["b"], 3) == 0:
            # the link already fitted the trees' output to the log-odds on C: the Platt step after it is the identity
            how = "risiko = sigmoid(margin); margin er træernes output gjort til log-odds (næste linje)"
        elif cal.get("method") == "platt":
            sign = "+" if cal["b"] >= 0 else "−"
            how = f"Platt, sigmoid({_num(cal['a'], 3)} × margin {sign} {_num(abs(cal['b']), 3)})"
        else:
            how = str(cal.get("method"))
        console.print(f"Træer: {card['best_iteration']}; kalibrering på periode C: {how}")
        if link:
            console.print(
                f"Træerne lærer {HYPERPARAMETER_VALUE_DA['severity']}; "
                f"margin (log-odds) = {_num(link['a'], 3)} × træernes output "
                f"{'+' if link['b'] >= 0 else '−'} {_num(abs(link['b']), 3)}, tilpasset på periode C."
            )
    if not unmeasured:
        rel = DataTable(
            "gruppe",
            "rækker",
            "gns. forudsagt",
            "observeret",
            title="Kalibrering (pålidelighed): forudsagt mod observeret",
        )
        for row in card["reliability"]:
            rel.add_row(str(row["bin"]), _num(row["n"], 0), _pct(row["mean_predicted"]), _pct(row["observed_rate"]))
        console.print(rel)
        if card["expected_calibration_error"] is None:
            console.print(NO_CALIBRATION_ERROR_DA)
        else:
            console.print(f"Forventet kalibreringsfejl (ECE): {_pct(card['expected_calibration_error'])}")
        by_name = {p["name"]: p for p in card["periods"]}
        if not card.get("short_history") and "B" in by_name and "C" in by_name:
            from models.risk_model import MIN_HELD_OUT_POSITIVES

            if by_name["B"]["positives"] < MIN_HELD_OUT_POSITIVES:
                note = thin_calibration_da(int(by_name["B"]["positives"]), int(by_name["C"]["positives"]))
                console.print(f"[yellow]Bemærk:[/] {note}")
    levels = card["authority_offsets"]["offsets"]
    if levels:
        offsets = DataTable(
            "socialtilsyn", "forskydning (point)", "temaværdier", title="Tilsynenes kalibrering (seed 001)"
        )
        counts = card["authority_offsets"]["counts"]
        for code, value in levels.items():
            sign = "+" if value > 0 else ""
            offsets.add_row(danish_code(Authority, code), f"{sign}{_num(value, 2)}", _num(counts.get(code, 0), 0))
        console.print(offsets)
    note = authority_levels_da(levels, card.get("authorities", ()))
    if note:
        console.print(f"Tilsynenes kalibrering: {note}")
    if len(levels) > 1:
        console.print("Negativ forskydning: tilsynet giver lavere temaværdier end landet for samme type og år.")
    for group, title in (("ownership", "ejerform"), ("authority", "socialtilsyn")):
        table = DataTable(
            title,
            "tilbud",
            "andel af tilbud",
            "andel af top 10 %",
            "forhold",
            "median risiko",
            "andel af alvorlige fund",
            title=f"Retfærdighed: top 10 % efter {title}",
        )
        for row in report.fairness.tables[group].to_dict(orient="records"):
            name = danish_code(Authority, row["group"]) if group == "authority" else row["group"]
            table.add_row(
                name,
                _num(row["facilities"], 0),
                _pct(row["share_of_facilities"]),
                _pct(row["share_of_top_decile"]),
                _num(row["top_decile_ratio"], 2),
                _pct(row["median_risk"]),
                _pct(row["share_of_serious_findings"]),
            )
        console.print(table)
    tie = fairness_tie_da(report.fairness.tied_at_cut, report.fairness.places_at_cut)
    if tie:
        console.print(f"Top 10 % er de {report.fairness.top_size} mest risikable. {tie}")
    small = fairness_small_top_da(report.fairness.top_size)
    if small:
        console.print(f"[yellow]Bemærk:[/] {small}")
    imp = DataTable("faktor", "gns. |bidrag|", title="Vigtigste faktorer (globalt)")
    without_data = set(report.card.get("features_without_data") or ())  # as the model card shows them
    for name, value in list(report.importance.items())[:10]:
        imp.add_row(RISK_FEATURE_DA.get(name, name), "ingen data indlæst" if name in without_data else _num(value, 3))
    console.print(imp)
    console.print(f"Gemt i {escape(str(report.path))}", highlight=False)


@app.command("train", help="Træn risikomodellen på data kendt før datoen, og vis validering, kalibrering og audit.")
def train(as_of: AsOf = None) -> None:
    from api.services.risk import train_model

    report = train_model(settings(), _day(as_of))
    for note in report.notes:
        err_console.print(f"[yellow]Bemærk:[/] {escape(note)}")
    _print_train(report)


def _texts(factors: list[dict[str, Any]]) -> str:
    return " | ".join(str(f["text"]) for f in factors)


def _print_scores(result: ScoreResult, fmt: str, top: int | None, authority: str | None = None) -> None:
    frame = result.scores if top is None else result.scores.head(top)
    info = err_console if fmt != "table" else console
    for note in result.notes:
        info.print(f"[yellow]Bemærk:[/] {escape(note)}")
    if fmt == "json":
        payload = {
            "as_of": result.as_of.isoformat(),
            "model_version": result.model_version,
            "run_id": result.run_id,
            "trained_now": result.trained_now,
            "cold_start": result.cold_start,
            "notes": result.notes,
            "scores": [
                {
                    **row,
                    "risk": round(float(row["risk"]), 6),
                    "rank": int(row["rank"]),
                    "national_rank": int(row["national_rank"]),
                }
                for row in frame.to_dict(orient="records")
            ],
        }
        print_json(payload)
        return
    if fmt == "csv":
        out = frame.assign(top_factors=frame["top_factors"].map(_texts), risk=frame["risk"].round(6))
        sys.stdout.write(out.to_csv(index=False))
        return
    table = DataTable(
        "rang", "tilbud", "navn", "tilsyn", "type", "risiko", "niveau", "vigtigste grunde",
        title=f"Risiko pr. {result.as_of.isoformat()} (model {result.model_version}"
        f"{' — ekspertscore' if result.cold_start else ''}, kørsel {result.run_id})",
    )  # fmt: skip
    for row in frame.to_dict(orient="records"):
        table.add_row(
            str(row["rank"]),
            row["facility_id"],
            row["name"],
            danish_code(Authority, row["authority"]),
            danish_code(FacilityType, row["facility_type"]),
            _pct(row["risk"]),
            row["tier"],
            "\n".join(str(f["text"]) for f in row["top_factors"]),
        )
    if frame.empty:
        where = "" if authority is None else f" i {danish_code(Authority, authority)}"
        console.print(
            f"Ingen aktive tilbud{where} pr. {result.as_of.isoformat()}. "
            "Se 'tilsynsplan status' for tilbud pr. socialtilsyn."
        )
        return
    console.print(table)
    console.print(
        f"{format_number_da(len(result.scores), 0)} aktive tilbud scoret; {format_number_da(len(frame), 0)} vist."
    )


@app.command("score", help="Scor alle aktive tilbud (risiko 0-1, rang 1 = højest) og gem kørslen.")
def score(
    as_of: AsOf = None,
    authority: Annotated[
        str | None, typer.Option("--authority", help="Kun ét socialtilsyn: nord, midt, syd, hovedstaden, oest.")
    ] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Vis kun de N mest risikable.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv eller json.")] = "table",
    model_version: Annotated[str | None, typer.Option("--model", help="Modelversion (standard: nyeste).")] = None,
) -> None:
    if fmt not in FORMATS:
        raise InvalidArgumentError(f"Formatet '{fmt}' findes ikke. Tilladt: {', '.join(FORMATS)}.")
    from api.services.risk import score_facilities

    result = score_facilities(settings(), _day(as_of), authority=authority, model_version=model_version)
    _print_scores(result, fmt, top, None if authority is None else authority.strip().lower())


@app.command("explain", help="Forklar ét tilbuds risiko på dansk: faktorer, værdier og sammenligning.")
def explain(
    facility_id: Annotated[str, typer.Argument(help="Tilbuddets id (facility_id).")],
    as_of: AsOf = None,
    fmt: Annotated[str, typer.Option("--format", help="table eller json.")] = "table",
) -> None:
    if fmt not in ("table", "json"):
        raise InvalidArgumentError(f"Formatet '{fmt}' findes ikke. Tilladt: table, json.")
    from api.services.risk import explain_facility

    result = explain_facility(settings(), facility_id, _day(as_of))
    if fmt == "json":
        print_json(result.as_dict())
        return
    console.print(
        f"[bold]{escape(result.name)}[/] ({escape(result.facility_id)}), {danish_code(Authority, result.authority)} — "
        f"risiko {_pct(result.risk)}, rang {result.rank}, niveau {result.tier} "
        f"(pr. {result.as_of}, model {result.model_version})"
    )
    if result.cold_start:
        console.print("[yellow]Ekspertscore (LightGBM bruges ikke): bidragene er ekspertpoint, ikke lærte.[/]")
    from models.explain import MIN_REASON

    shown = [f for f in result.factors if abs(float(f["shap"])) >= MIN_REASON]
    if shown:
        table = DataTable("", "faktor", "bidrag (log-odds)", title="Hvad trækker risikoen op (↑) og ned (↓)")
        for f in shown:
            arrow = "↑" if f["shap"] > 0 else "↓"
            table.add_row(arrow, f["text"], format_number_da(float(f["shap"]), 3))
        console.print(table)
    else:
        console.print("Ingen faktor flytter risikoen væk fra udgangspunktet: der er ingen advarselstegn i data.")
    console.print(
        f"Udgangspunkt {format_number_da(result.base_value, 3)} + bidrag = "
        f"{format_number_da(result.margin, 3)} (log-odds)."
    )
    if shown and not result.cold_start:
        console.print(
            "[dim]Bidragene måles mod et gennemsnitligt tilbud (udgangspunktet), ikke mod medianen i teksten: "
            "en værdi lidt dårligere end medianen kan sænke risikoen en smule, fordi gennemsnittet også "
            "rummer de få meget dårlige.[/]"
        )
