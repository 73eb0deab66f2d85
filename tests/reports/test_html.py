"""The rendered HTML, read as a leader would: the riskiest facility first with its reasons, the charts,
Danish throughout, nothing loaded from outside, and no confidential date for an unauthorised reader."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest

from data.enums import Authority
from reports.build import build_facility_profile, build_model_card, build_plan_report, build_risk_list
from reports.context import AppliedFilter, NextVisit, PlanReportContext, ReportContext, RiskListContext
from reports.html import render_html
from tests.factories import (
    AS_OF,
    HAND_PLAN_DEADLINES,
    hand_plan,
    midt_dataset,
    peer_dataset,
    risk_scores_frame,
    small_dataset,
)
from tests.reports.html_doc import MOJIBAKE, Document, parse
from tests.reports.test_build import explanation, model_meta

NEXT = NextVisit(dt.date(2026, 11, 4), False, "operational", ("Anne Holm",), "Ekstra uanmeldt besøg", plan_id=3)


def risk_list() -> ReportContext:
    previous = risk_scores_frame()[["facility_id", "risk", "rank"]].assign(risk=lambda f: f["risk"] - 0.01)
    return build_risk_list(
        risk_scores_frame(), as_of=AS_OF, model_version="v1", previous=previous, comparison_as_of=dt.date(2026, 7, 1)
    )


def profile(authorised: bool) -> ReportContext:
    return build_facility_profile(
        peer_dataset(),
        "F1",
        as_of=AS_OF,
        explanation=explanation(),
        national_count=8,
        authorised=authorised,
        next_visit=NEXT,
    )


def plan(authorised: bool) -> ReportContext:
    return build_plan_report(
        hand_plan(), small_dataset(), plan_id=7, authorised=authorised, deadlines=HAND_PLAN_DEADLINES
    )


def all_reports() -> dict[str, ReportContext]:
    return {
        "risk": risk_list(),
        "facility": profile(True),
        "facility_public": profile(False),
        "plan": plan(True),
        "plan_public": plan(False),
        "model": build_model_card(model_meta()),
    }


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {name: parse(render_html(ctx)) for name, ctx in all_reports().items()}


def test_risk_list_shows_the_riskiest_facility_first_with_its_reasons(docs: dict[str, Document]) -> None:
    doc = docs["risk"]
    rows = doc.root.find_all("tr")
    listed = [r for r in rows if "data-facility-id" in r.attrs]
    assert [r.attrs["data-facility-id"] for r in listed][:3] == ["R01", "R02", "R03"]
    first = listed[0].text()
    assert "Opholdsstedet Skovbrynet" in first and "62,0 %" in first and "høj" in first
    reasons = [li.text() for li in listed[0].find_all("li")]
    assert reasons == [
        "Magtanvendelser: 1 pr. plads de seneste 12 måneder — 3,0 × det forventede for opholdssteder",
        "Laveste temaværdi: 2,0 — medianen for opholdssteder er 3,8",
        "Sygefravær: 9,0 % i 2025 — 1,5 × medianen for opholdssteder (6,0 %)",
    ]
    assert "+1,0 pp" in first  # change since the run of 1 July 2026
    text = doc.body_text
    assert "Socialtilsyn: Alle socialtilsyn" in text and "Tilbudstype: Alle tilbudstyper" in text
    assert "Retfærdighed: hvem er i toppen?" in text
    assert "Ændring siden 1. jul. 2026" in text
    assert "risikomodel v1" in text and "1. oktober 2026" in text


def test_no_sentence_runs_into_the_next(docs: dict[str, Document]) -> None:
    """A template line that ends in a block tag loses its newline (``trim_blocks``): "tilbud.Et forhold" was
    printed in the fairness box. Checked inside each text node, so adjacent table cells are not joined."""
    for name, doc in docs.items():
        html = re.sub(r"<(style|script|svg)\b.*?</\1>", "", doc.html, flags=re.S)
        text = re.sub(r"<[^>]+>", "\x00", html)
        glued = [
            text[max(0, m.start() - 30) : m.end() + 10] for m in re.finditer(r"[a-zæøå%)][.:;,][A-ZÆØÅ][a-zæøå]", text)
        ]
        assert not glued, (name, glued)
    assert "tilbud. Et forhold over 1 betyder" in " ".join(docs["risk"].body_text.split())


def test_top_lists_only_the_riskiest_but_counts_cover_the_whole_list() -> None:
    ctx = build_risk_list(risk_scores_frame(), as_of=AS_OF, model_version="v1", top=3)
    doc = parse(render_html(ctx))
    assert [r.attrs["data-facility-id"] for r in doc.root.with_attr("data-facility-id")] == ["R01", "R02", "R03"]
    assert "Tabellen viser de 3 mest risikable af 10 tilbud i listen." in doc.body_text
    assert "10 af 10 aktive tilbud" in doc.body_text
    assert (
        len(ctx.rows) == 10
        and ctx.fairness == build_risk_list(risk_scores_frame(), as_of=AS_OF, model_version="v1").fairness
    )


def test_filters_applied_are_shown() -> None:
    ctx = build_risk_list(
        risk_scores_frame(), as_of=AS_OF, model_version="v1", authority="midt", facility_type="opholdssted"
    )
    doc = parse(render_html(ctx))
    filters = doc.root.find_all("ul", **{"aria-label": "Valgte filtre"})[0].text()
    assert filters == "Socialtilsyn: Socialtilsyn Midt Tilbudstype: opholdssted"
    assert [r.attrs["data-facility-id"] for r in doc.root.with_attr("data-facility-id")] == ["R01", "R05"]


def test_an_empty_risk_list_says_so_first_and_shows_no_empty_figures() -> None:
    # A tilsyn that imported only Midt's tilbud asked for Nord's list (`report risk --authority nord`): the PDF
    # showed "0 tilbud i listen", the lowest "høj" risk in Midt, "Den øverste tiendedel er de 0 mest risikable
    # af 0 tilbud … Kun én gruppe i listen", an empty chart and table, and only at the end "Ingen tilbud matcher".
    scores = risk_scores_frame()
    midt = scores[scores["authority"] == "midt"].reset_index(drop=True)
    doc = parse(render_html(build_risk_list(midt, as_of=AS_OF, model_version="v1", authority="nord")))
    text = " ".join(doc.body_text.split())
    assert "Ingen aktive tilbud i Socialtilsyn Nord pr. 1. oktober 2026; data har tilbud i Socialtilsyn Midt." in text
    assert "tiendedel" not in text and "Kun én gruppe" not in text and "laveste risiko" not in text
    assert not doc.root.find_all("table") and not doc.svgs()
    typed = build_risk_list(scores, as_of=AS_OF, model_version="v1", authority="midt", facility_type="sel110")
    said = " ".join(parse(render_html(typed)).body_text.split())
    assert "Ingen aktive forsorgshjem i Socialtilsyn Midt pr. 1. oktober 2026." in said


def test_a_tilsyns_own_risk_list_is_not_called_national() -> None:
    # A tilsyn that imports only its own files: its list, tiers and ranks cover its own tilbud, not Denmark.
    scores = risk_scores_frame()
    own = build_risk_list(scores[scores["authority"] == "midt"], as_of=AS_OF, model_version="v1")
    assert own.title == "Risikoliste — Socialtilsyn Midt"
    text = parse(render_html(own)).body_text
    assert 'Gruppen „høj" er de 10 % mest risikable i Socialtilsyn Midt' in text
    assert "grænsen for høj risiko (de 10 % mest risikable i Socialtilsyn Midt)" in " ".join(text.split())
    assert "{{" not in text  # a caption built inside a Jinja expression printed its own template text
    assert "nationalt" not in text
    two = build_risk_list(scores[scores["authority"].isin(["syd", "midt"])], as_of=AS_OF, model_version="v1")
    assert two.title == "Risikoliste — Socialtilsyn Midt og Syd"
    national = build_risk_list(scores, as_of=AS_OF, model_version="v1")  # all five socialtilsyn
    assert national.title == "Risikoliste — national"
    assert 'Gruppen „høj" er de 10 % mest risikable nationalt' in parse(render_html(national)).body_text


def test_the_risk_list_names_the_tier_shares_in_use_and_says_when_ties_swell_a_tier() -> None:
    scores = risk_scores_frame()
    plain = " ".join(parse(render_html(build_risk_list(scores, as_of=AS_OF, model_version="v1"))).body_text.split())
    assert "Tilbud med samme risiko er altid i samme gruppe" not in plain  # 1 and 2 of 10: the shares
    wider = build_risk_list(scores, as_of=AS_OF, model_version="v1", high_share=0.2)  # TILSYNSPLAN_TOP_TIER_SHARE
    text = " ".join(parse(render_html(wider)).body_text.split())
    assert 'Gruppen „høj" er de 20 % mest risikable nationalt, „forhøjet" de næste 20 %.' in text
    assert "grænsen for høj risiko (de 20 % mest risikable nationalt)" in text
    # a coarse cold-start score: R02-R05 share one risk and so the tier of R02
    tied = scores.assign(tier=["høj", "forhøjet", "forhøjet", "forhøjet", "forhøjet", *["normal"] * 5])
    text = " ".join(parse(render_html(build_risk_list(tied, as_of=AS_OF, model_version="v1"))).body_text.split())
    assert (
        'Gruppen „høj" skal være de 10 % mest risikable nationalt og „forhøjet" de næste 20 %, men tilbud med samme '
        'risiko er altid i samme gruppe, og her har mange tilbud samme risiko: „høj" rummer 10 % og „forhøjet" 40 % '
        "af tilbuddene nationalt."
    ) in text


def test_a_tier_swollen_by_ties_is_not_called_the_riskiest_10_percent() -> None:
    # c01 of the QA's hand-built data: a cold-start score with two values, 38 of 60 tilbud in "høj", and the
    # report said "grænsen for høj risiko (de 10 % mest risikable nationalt)"
    scores = pd.concat([risk_scores_frame()] * 6, ignore_index=True)
    scores["facility_id"] = [f"X{i:02d}" for i in range(60)]
    scores["risk"] = [0.069] * 38 + [0.047] * 22
    scores["tier"] = ["høj"] * 38 + ["normal"] * 22
    scores["national_rank"] = scores["rank"] = range(1, 61)
    text = " ".join(parse(render_html(build_risk_list(scores, as_of=AS_OF, model_version="v1"))).body_text.split())
    assert "(de 10 % mest risikable nationalt)" not in text and "er de 10 % mest risikable" not in text
    assert 'grænsen for høj risiko (gruppen „høj" rummer her 63 % af tilbuddene nationalt, fordi mange har' in text
    assert '„høj" rummer 63 % og „forhøjet" 0 % af tilbuddene nationalt.' in text
    # the fairness box: the 38 tied tilbud share the 6 places of the top decile
    assert "38 tilbud har samme risiko ved grænsen og deler de 6 pladser: hvert tæller som 0,16 tilbud" in text
    # the facility page names what the tier holds
    ds = midt_dataset()
    swollen = dataclasses.replace(explanation(), tier="høj", tier_size=38, tier_meant=6)
    ctx = build_facility_profile(ds, "F1", as_of=AS_OF, explanation=swollen, national_count=60)
    assert ctx.risk is not None
    assert ctx.risk.tier_label == (
        "høj risiko (38 af 60 tilbud: tilbud med samme risiko er altid i samme gruppe, så gruppen er større end de "
        "10 % højeste)"
    )
    assert "(de 10 % højeste)" not in " ".join(parse(render_html(ctx)).body_text.split())


def test_a_tilsyns_own_profile_compares_within_its_own_tilbud() -> None:
    ctx = build_facility_profile(midt_dataset(), "F1", as_of=AS_OF, explanation=explanation(), national_count=3)
    text = parse(render_html(ctx)).body_text
    assert "Sammenligningsgruppe 0 andre aktive tilbud af samme type i Socialtilsyn Midt" in " ".join(text.split())
    assert "af 3 tilbud i Socialtilsyn Midt" in text
    assert "alle fem" not in text and "nationalt" not in text


def test_model_card_says_how_many_months_have_labelled_snapshots() -> None:
    meta = {**model_meta(), "labelled_months": 24, "labelled_period": ["2024-06-17", "2026-05-17"]}
    text = " ".join(parse(render_html(build_model_card(meta))).body_text.split())
    assert "(24 af vinduets 60 måneder har mærkede øjebliksbilleder: 17. juni 2024 – 17. maj 2026)" in text
    old = " ".join(parse(render_html(build_model_card(model_meta()))).body_text.split())  # stored before
    assert "månedlige øjebliksbilleder af tilbud (60 måneder)" in old


def test_the_model_card_says_what_the_trees_learnt_from() -> None:
    def text(**extra: object) -> str:
        meta = {**model_meta(), **extra}
        return " ".join(parse(render_html(build_model_card(meta))).body_text.split())

    severity = {"hyperparameters": {**model_meta()["hyperparameters"], "learn_from": "severity"}}
    said = "LightGBM-træerne lærer af alvorsgraden af hvert øjebliksbillede"
    assert said in text(**severity)
    assert "Træerne lærer af alvorsgraden (5 − laveste gennemsnitlige temaværdi" in text(**severity)
    label = {"hyperparameters": {**model_meta()["hyperparameters"], "learn_from": "label"}}
    assert said not in text(**label) and "Træerne lærer af alvorligt fund ja/nej" in text(**label)
    assert said not in text()  # a card stored before the setting
    assert said not in text(**severity, kind="expert", cold_start=True, cold_start_reason="Historikken er for kort.")


def test_a_cold_start_model_card_does_not_describe_lightgbm() -> None:
    # on a tilsyn with two years of history the card of the expert score spoke of monotone constraints,
    # mean |SHAP| and LightGBM's trees and learning rate as if they had been used
    meta = {**model_meta(), "kind": "expert", "cold_start": True, "cold_start_reason": "Historikken er for kort."}
    text = " ".join(parse(render_html(build_model_card(meta))).body_text.split())
    assert "Betydning (gns. |ekspertpoint|)" in text and "SHAP" not in text
    assert "Monotone bindinger" not in text and "Ekspertscoren giver faste point for advarselstegn" in text
    assert "LightGBM bruges ikke, så dens indstillinger (træer, læringsrate, blade) påvirker ikke risikoen" in text
    learned = " ".join(parse(render_html(build_model_card(model_meta()))).body_text.split())
    assert "Betydning (gns. |SHAP|)" in learned and "LightGBM er ikke trænet" not in learned
    # the calibration chart of the expert score is of every labelled snapshot: nothing is held out to validate on
    card = build_model_card({**meta, "periods": []})
    assert "Kalibrering på valideringsperioden" not in render_html(card)
    assert "Kalibrering på alle mærkede øjebliksbilleder" in render_html(card)


def test_a_model_card_with_nothing_labelled_says_so_instead_of_empty_tables() -> None:
    # a three-month export: the card showed the metrics and reliability tables as bare headers
    meta = {
        **model_meta(), "kind": "expert", "cold_start": True, "training_rows": 0, "positive_labels": 0,
        "cold_start_reason": "Ingen mærkede øjebliksbilleder: besøgsdataene begynder 1. juli 2026 …",
        "metrics": {}, "reliability": [], "periods": [], "expected_calibration_error": None,
    }  # fmt: skip
    doc = parse(render_html(build_model_card(meta)))
    text = " ".join(doc.body_text.split())
    assert not doc.root.find_all("table", **{"class": "metrics"})
    assert not doc.root.find_all("table", **{"class": "reliability"})
    assert text.count("Ingen mærkede øjebliksbilleder at måle ekspertscoren, baselines og kalibreringen på.") == 2
    assert "kalibreringsfejlen kan ikke beregnes" not in text
    # no snapshot month at all (the visits begin less than a horizon before the as-of date): not "0 af vinduets 0"
    short = parse(render_html(build_model_card({**meta, "snapshots": 0, "labelled_months": 0})))
    said = " ".join(short.body_text.split())
    assert "0 månedlige øjebliksbilleder af tilbud (vinduet har ingen måned med en hel horisont efter sig)" in said
    assert "af vinduets 0 måneder" not in said


def test_every_report_has_its_charts_inline(docs: dict[str, Document]) -> None:
    expected = {"risk": 1, "facility": 6, "plan": 1, "model": 1}  # facility: waterfall, spider, history, 3 series
    for name, count in expected.items():
        svgs = docs[name].svgs()
        assert len(svgs) == count, name
        assert all(s.attrs.get("role") == "img" for s in svgs)
    labels = [s.attrs["aria-label"] for s in docs["facility"].svgs()]
    assert any(label.startswith("Seneste temaværdier (spindelvæv)") for label in labels)
    assert any(label.startswith("Hvad driver risikoen (ekspertpoint)") for label in labels)  # a cold start


def test_a_cold_start_profile_shows_expert_points_not_shap() -> None:
    # A tilsyn with two years of history got the expert score (too short for time-ordered validation,
    # with 180 serious findings); its profiles said "for få alvorlige fund" and called expert points SHAP.
    cold = parse(render_html(profile(False)))
    text = " ".join(cold.body_text.split())
    # LightGBM may have been trained and ranked no better than the expert score: "kold start: historikken var ikke
    # nok" was then untrue; the model card names the reason
    assert "ekspertscore: LightGBM bruges ikke, og modelkortet siger hvorfor" in text
    assert "kold start" not in text.lower()
    assert "for få alvorlige fund" not in text and "SHAP" not in text
    assert "Ekspertscoren: hvert advarselstegn giver faste point" in text
    waterfall = next(s for s in cold.svgs() if s.attrs["aria-label"].startswith("Hvad driver risikoen"))
    assert waterfall.attrs["aria-label"].startswith("Hvad driver risikoen (ekspertpoint): Uden advarselstegn")
    learned = build_facility_profile(
        peer_dataset(), "F1", as_of=AS_OF, explanation=dataclasses.replace(explanation(), cold_start=False)
    )
    doc = parse(render_html(learned))
    assert "SHAP-værdier i log-odds" in doc.body_text and "kold start" not in doc.body_text
    assert any(
        s.attrs["aria-label"].startswith("Hvad driver risikoen (SHAP): Gennemsnitligt tilbud") for s in doc.svgs()
    )


def test_no_report_loads_anything_from_outside(docs: dict[str, Document]) -> None:
    for name, doc in docs.items():
        assert doc.external_urls() == [], name
        assert "http://" not in doc.html.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
        ), name
        assert "<script" not in doc.html and "<link" not in doc.html and "<img" not in doc.html, name


def test_danish_throughout_without_mojibake(docs: dict[str, Document]) -> None:
    for name, doc in docs.items():
        for bad in MOJIBAKE:
            assert bad not in doc.html, (name, bad)
        assert doc.root.find_all("html")[0].attrs["lang"] == "da"
        assert '<meta charset="utf-8">' in doc.html
        assert any(ch in doc.body_text for ch in "æøåÆØÅ"), name
    assert "Døgninstitutionen Æblehaven" in docs["risk"].body_text
    assert "Camilla Søndergaard" in docs["plan"].body_text
    assert "Socialtilsynenes bedømmelsesniveau" in docs["model"].body_text
    assert "Magtanvendelser, personalegennemstrømning og sygefravær" in docs["facility"].body_text


def shows(doc: Document, text: str) -> bool:
    """``text`` in the page, not as the end of a longer number: the footer's "dannet 24. nov. 2026" (a report made on
    the 24th) does not show the 4th, nor "dannet 11. dec. 2026" the 1st."""
    return re.search(rf"(?<!\d){re.escape(text)}", doc.html) is not None


def test_next_planned_visit_only_for_authorised_readers(docs: dict[str, Document]) -> None:
    assert "4. november 2026" in docs["facility"].body_text
    public = docs["facility_public"]
    assert "Vises kun for autoriserede brugere" in public.body_text
    for text in ("4. november 2026", "4. nov. 2026", "2026-11-04", "Ekstra uanmeldt besøg"):
        assert not shows(public, text), text


def test_unannounced_plan_dates_absent_for_other_readers(docs: dict[str, Document]) -> None:
    shown = docs["plan"].html
    assert "6. okt. 2026" in shown and "1. dec. 2026" in shown
    public = docs["plan_public"]
    for text in ("6. okt. 2026", "17. nov. 2026", "1. dec. 2026", "Uge 47", "Uge 49", "2026-10-06"):
        assert not shows(public, text), text
    assert "7. okt. 2026" in public.body_text  # the announced visit keeps its date
    assert "3 uanmeldte besøg i kvartalet vises uden dato, uge og tilsynskonsulent" in public.body_text
    # No unannounced visit appears in any inspector's week table; they are listed apart, without inspector.
    for block in public.root.with_attr("data-inspector-id"):
        assert "uanmeldt" not in block.text(), block.attrs["data-inspector-id"]
    listed = public.root.find_all("table", **{"class": "confidential-visits"})[0]
    assert [r.attrs["data-facility-id"] for r in listed.with_attr("data-facility-id")] == ["F1", "F3", "F4"]
    assert "Anne Holm" not in listed.text() and "Bo Jensen" not in listed.text()


def test_an_inspector_with_hidden_visits_is_not_said_to_have_none(docs: dict[str, Document]) -> None:
    # Camilla (I3) has one unannounced visit: a reader sees no week of hers, but she has a visit. A reader is told of
    # her announced visits only (none), never how many unannounced ones she makes: beside her capacity ("1 besøg af
    # 1 mulige") that told the day of it.
    blocks = {b.attrs["data-inspector-id"]: b.text() for b in docs["plan_public"].root.with_attr("data-inspector-id")}
    assert "0 anmeldte besøg" in blocks["I3"] and "Ingen anmeldte besøg i kvartalet" in blocks["I3"]
    assert "Ingen besøg i kvartalet" not in blocks["I3"]
    assert "1 anmeldte besøg" in blocks["I1"]  # two visits, the announced one shown by week
    assert not any("fortrolig dato" in text or "mulige" in text for text in blocks.values())
    shown = {b.attrs["data-inspector-id"]: b.text() for b in docs["plan"].root.with_attr("data-inspector-id")}
    assert "1 besøg af 1 mulige" in shown["I3"] and "2 besøg af 2 mulige" in shown["I1"]


def test_the_plan_report_names_the_national_top_group_of_the_risk_run() -> None:
    national = hand_plan()
    base = dataclasses.replace(national.analysis.baseline, top_scope="national", top_pool=("nord", "midt"))
    national = dataclasses.replace(national, analysis=dataclasses.replace(national.analysis, baseline=base))
    ctx = build_plan_report(national, small_dataset(), plan_id=7, authorised=True, deadlines=HAND_PLAN_DEADLINES)
    text = " ".join(parse(render_html(ctx)).body_text.split())
    assert "Andel af de 10 % mest risikable tilbud i Socialtilsyn Nord og Midt (1 tilbud) besøgt i kvartalet" in text
    whole = dataclasses.replace(
        base, top_pool=tuple(a.value for a in Authority), top_by_authority={"midt": 1, "nord": 0}
    )
    national = dataclasses.replace(national, analysis=dataclasses.replace(national.analysis, baseline=whole))
    ctx = build_plan_report(national, small_dataset(), plan_id=7, authorised=True, deadlines=HAND_PLAN_DEADLINES)
    text = " ".join(parse(render_html(ctx)).body_text.split())
    assert "Andel af de 10 % mest risikable tilbud på landsplan (1 tilbud: Nord 0 og Midt 1) besøgt i kvartalet" in text


def test_plan_report_reads_right(docs: dict[str, Document]) -> None:
    text = docs["plan"].body_text
    assert "Kvartalsplan 2026K4 — alle socialtilsyn" in text
    assert "Advarsler" in text and "Socialtilsyn Nord bruger 100 %" in text
    assert "Sammenligning med rotation" in text
    # a plan whose analysis does not say where its top group was drawn from (stored before top_tier_scope) drew it
    # from each socialtilsyn (rounded up in each), not a national decile
    assert "Andel af de 10 % mest risikable i hvert socialtilsyn (" in text
    assert "tiendedel" not in text
    deadline_rows = [
        r.attrs["data-facility-id"]
        for r in docs["plan"].root.find_all("table", **{"class": "deadlines"})[0].with_attr("data-facility-id")
    ]
    assert deadline_rows == ["F3", "F1"]
    inspectors = [d.attrs["data-inspector-id"] for d in docs["plan"].root.with_attr("data-inspector-id")]
    assert inspectors == ["I1", "I2", "I3"]


def test_the_plan_calls_only_a_passed_deadline_overskredet() -> None:
    from tests.reports.test_build import _plan_2027q1_with_four_unkeepable_deadlines

    doc = parse(render_html(build_plan_report(_plan_2027q1_with_four_unkeepable_deadlines(), small_dataset())))
    table = doc.root.find_all("table", **{"class": "deadlines"})[0]
    deadline = {r.attrs["data-facility-id"]: r.find_all("td")[2].text() for r in table.with_attr("data-facility-id")}
    assert deadline == {
        "F3": "2. nov. 2026 (overskredet)",
        "F1": "15. dec. 2026 (frist før kvartalet)",
        "F4": "3. jan. 2027 (før første arbejdsdag)",
        "F2": "6. jan. 2027 (før første mulige besøgsdag)",
    }
    assert doc.body_text.count("(overskredet)") == 1
    # the rotation comparison gives the plan's figure, not a hard-coded 0, and says how overdue ones count
    row = next(r for r in doc.root.find_all("tr") if r.text().startswith("Besøg efter den lovpligtige frist"))
    assert row.text() == "Besøg efter den lovpligtige frist* 0 2"
    assert "De 4 tilbud, hvis frist ikke kunne nås ved planens start" in doc.body_text
    # the risk-weighted lateness leaves them out (they have no risk target): the row says so, not a bare figure
    row = next(r for r in doc.root.find_all("tr") if r.text().startswith("Risikovægtet forsinkelse"))
    assert row.text().startswith(
        "Risikovægtet forsinkelse (lavere er bedre), uden de 4 tilbud, hvis frist ikke kunne nås ved planens start"
    )
    failed = dataclasses.replace(
        _plan_2027q1_with_four_unkeepable_deadlines(),
        analysis=dataclasses.replace(
            _plan_2027q1_with_four_unkeepable_deadlines().analysis, check_ok=False, violations=("F9: frist brudt",)
        ),
    )
    doc = parse(render_html(build_plan_report(failed, small_dataset())))
    row = next(r for r in doc.root.find_all("tr") if r.text().startswith("Besøg efter den lovpligtige frist"))
    assert row.text() == "Besøg efter den lovpligtige frist* se advarslerne 2"


def test_one_unkeepable_deadline_is_spoken_of_in_the_singular() -> None:
    # "uden de 1 tilbud, hvis frist …" and "De 1 tilbud, hvis frist … tæller her"
    from tests.reports.test_build import _plan_2027q1_with_four_unkeepable_deadlines

    four = _plan_2027q1_with_four_unkeepable_deadlines()
    one = dataclasses.replace(four, analysis=dataclasses.replace(four.analysis, overdue=four.analysis.overdue[:1]))
    text = " ".join(parse(render_html(build_plan_report(one, small_dataset()))).body_text.split())
    assert (
        "Risikovægtet forsinkelse (lavere er bedre), uden det tilbud, hvis frist ikke kunne nås ved planens start"
        in text
    )
    assert 'Det tilbud, hvis frist ikke kunne nås ved planens start (se „Tilbud ved fristen"), tæller her' in text
    assert "de 1 tilbud" not in text.lower()


def test_a_shortfall_says_who_alone_may_visit() -> None:
    from reports.context import ShortfallRow

    row = ShortfallRow("syd", "2027Q1", 4, 1, "kun I007 har kompetence til længerevarende botilbud (SEL § 108)")
    assert row.label == (
        "Socialtilsyn Syd mangler 4 tilsynsdage i 2027K1 (1 tilbud); kun I007 har kompetence til længerevarende "
        "botilbud (SEL § 108)"
    )
    assert ShortfallRow("syd", "2027Q1", 4, 1).label == "Socialtilsyn Syd mangler 4 tilsynsdage i 2027K1 (1 tilbud)"
    # one day is one tilsynsdag, and a count past a thousand has its thousands point
    assert ShortfallRow("midt", "2027Q1", 1, 1).label == "Socialtilsyn Midt mangler 1 tilsynsdag i 2027K1 (1 tilbud)"
    assert "mangler 1.250 tilsynsdage" in ShortfallRow("midt", "2027Q1", 1250, 250).label


def test_model_card_reads_right(docs: dict[str, Document]) -> None:
    doc = docs["model"]
    metrics = {r.attrs["data-score"]: r.text() for r in doc.root.with_attr("data-score")}
    assert metrics["model"].startswith("Risikomodel 0,810 30,0 %")
    assert metrics["expert"].startswith("Ekspertscore 0,740")
    assert "Forskel i AUC til den bedste baseline (ekspertscore): +0,070." in doc.body_text
    offsets = {r.attrs["data-authority"]: r.text() for r in doc.root.with_attr("data-authority")}
    assert offsets["syd"].startswith("Socialtilsyn Syd −0,37")


def test_text_is_escaped() -> None:
    scores = risk_scores_frame()
    scores.loc[0, "name"] = "<script>alert('x')</script> & Co"
    doc = parse(render_html(build_risk_list(scores, as_of=AS_OF, model_version="v1")))
    assert "<script>" not in doc.html
    assert "&lt;script&gt;" in doc.html and "& Co" in doc.body_text


def test_rendering_is_deterministic_given_the_context() -> None:
    ctx = risk_list()
    assert render_html(ctx) == render_html(ctx)
    later = dataclasses.replace(ctx, generated_at=ctx.generated_at + dt.timedelta(hours=1))
    assert render_html(later) != render_html(ctx)  # only because the footer shows when it was made


def test_model_card_of_a_short_history_names_its_two_periods_and_what_they_were_used_for() -> None:
    meta = {
        **model_meta(),
        "short_history": True,
        "hyperparameters": {"horizon_months": 6, "short_history_trees": 60},
        "periods": [
            {"name": "A", "start": "2024-01-01", "end": "2024-12-01", "rows": 9000, "positives": 600},
            {"name": "C", "start": "2025-06-01", "end": "2025-12-01", "rows": 5000, "positives": 320},
        ],
    }
    text = " ".join(parse(render_html(build_model_card(meta))).body_text.split())
    assert "Træning (den evaluerede model)" in text and "Kalibrering og validering (holdt ude fra A)" in text
    assert "Kort historik: for få måneder til tre perioder, så modellen har 60 træer uden tidligt stop" in text
    assert "den periode, kalibreringen blev tilpasset på" in text
    long = " ".join(parse(render_html(build_model_card(model_meta()))).body_text.split())
    assert "Kort historik" not in long and "Validering (holdt ude)" in long


def test_model_card_with_one_socialtilsyn_says_its_level_is_its_own_average() -> None:
    one = {**model_meta(), "authority_offsets": {"offsets": {"midt": 0.0}, "counts": {"midt": 4200}, "method": "m"}}
    text = " ".join(parse(render_html(build_model_card(one))).body_text.split())
    assert "Her er der data fra ét socialtilsyn, som derfor er sit eget gennemsnit" in text
    assert "Modellen estimerer hvert tilsyns niveau" not in text
    five = " ".join(parse(render_html(build_model_card(model_meta()))).body_text.split())
    assert "Modellen estimerer hvert tilsyns niveau" in five


def test_model_card_names_missing_theme_values_and_shows_no_error_against_no_finding() -> None:
    # c01 of the QA's hand-built data: five socialtilsyn but no theme scores. The card said "Her er der data
    # fra ét socialtilsyn" and "Gennemsnitlig kalibreringsfejl: 6,3 %" against 0 serious findings.
    five = ["hovedstaden", "midt", "nord", "oest", "syd"]
    none = {
        **model_meta(),
        "authority_offsets": {"offsets": {}, "counts": {}, "method": "m"},
        "authorities": five,
        "reliability": [{"bin": 1, "n": 580, "mean_predicted": 0.05, "observed_rate": 0.0},
                        {"bin": 2, "n": 580, "mean_predicted": 0.07, "observed_rate": 0.0}],
        "expected_calibration_error": 0.063,  # as a card stored before this rule has it
    }  # fmt: skip
    doc = parse(render_html(build_model_card(none)))
    text = " ".join(doc.body_text.split())
    assert "Ingen temaværdier indlæst: tilsynenes niveau kan ikke beregnes" in text
    assert "ét socialtilsyn" not in text
    assert not doc.root.find_all("table", **{"class": "offsets"})
    assert "Gennemsnitlig kalibreringsfejl" not in text and "6,3 %" not in text
    assert "Ingen alvorlige fund i den periode, kalibreringen er målt på" in text
    # one tilsyn's theme values in data from five
    one = {**none, "authority_offsets": {"offsets": {"midt": 0.0}, "counts": {"midt": 80}, "method": "m"}}
    text = " ".join(parse(render_html(build_model_card(one))).body_text.split())
    assert "Kun Socialtilsyn Midt har temaværdier i træningsvinduet: de andre tilsyns niveau kan ikke beregnes" in text
    # a card stored before the authorities were kept: those of its fairness audit
    old = {k: v for k, v in none.items() if k != "authorities"}
    old["fairness"] = {
        "top_share": 0.1,
        "facilities": 2,
        "groups": {"authority": [{"group": "syd"}, {"group": "midt"}]},
    }
    assert build_model_card(old).authorities == ("midt", "syd")


def test_a_profile_names_the_top_tier_share_in_force() -> None:
    ds = midt_dataset()
    default = build_facility_profile(ds, "F1", as_of=AS_OF, explanation=explanation(), national_count=3)
    wider = build_facility_profile(ds, "F1", as_of=AS_OF, explanation=explanation(), national_count=3, high_share=0.25)
    assert default.risk is not None and wider.risk is not None and wider.risk.tier == "høj"
    assert default.risk.tier_label == "høj risiko (de 10 % højeste)"
    assert "høj risiko (de 25 % højeste)" in " ".join(parse(render_html(wider)).body_text.split())


def test_a_signed_number_has_the_sign_of_the_number_it_shows() -> None:
    from reports.render import format_signed_da

    assert format_signed_da(0.5, 0) == "+1"  # half up, as the text (half to even gave "1" without its sign)
    assert format_signed_da(-1.25, 1) == "−1,3"
    assert format_signed_da(-0.04, 1) == "0,0" and format_signed_da(0.0, 0) == "0"


def test_counts_have_thousands_separators_in_every_report() -> None:
    # "1981 af 1981 aktive tilbud", "1982 besøg i hele horisonten" and "Rækker 9036" beside "9.036"
    frame = pd.concat([risk_scores_frame()] * 120, ignore_index=True)
    frame["facility_id"] = [f"X{i:04d}" for i in range(len(frame))]
    frame["risk"] = [1 - i / 2000 for i in range(len(frame))]
    frame["national_rank"] = frame["rank"] = range(1, len(frame) + 1)
    risk = parse(render_html(build_risk_list(frame, as_of=AS_OF, model_version="v1", top=5))).body_text
    assert "1.200 af 1.200 aktive tilbud" in risk and "1.200 tilbud i listen" in risk
    assert "de 5 mest risikable af 1.200 tilbud i listen" in risk
    assert "de 120 mest risikable af 1.200 tilbud" in risk  # the fairness box
    planned = plan(True)
    assert isinstance(planned, PlanReportContext)
    many = dataclasses.replace(planned, visits_in_quarter=1556, visits_in_horizon=1982)
    text = parse(render_html(many)).body_text
    assert "1.556 besøg i kvartalet" in text and "1.982 besøg i hele horisonten" in text
    meta = model_meta()
    meta["metrics"] = {"model": {"auc": 0.81, "precision_top10": 0.3, "base_rate": 0.06, "rows": 9036.0}}
    meta["reliability"] = [{"bin": 1, "n": 4518, "mean_predicted": 0.02, "observed_rate": 0.01}]
    card = parse(render_html(build_model_card(meta)))
    assert [r.text() for r in card.root.with_attr("data-score")] == ["Risikomodel 0,810 30,0 % 6,0 % 9.036"]
    reliability = card.root.find_all("table", **{"class": "reliability"})[0]
    assert "4.518" in reliability.text()


def test_danish_text_defects_a_leader_saw_are_gone() -> None:
    # "Længerevarende botilbud (sel § 108)": Jinja's capitalize lower-cased the rest of the label
    lead = parse(render_html(profile(False))).root.find_all("p", **{"class": "lead"})[0].text()
    assert lead.startswith("Længerevarende botilbud (SEL § 108) · ")
    # "+1 pladser", and "20 %.Ændringen" (trim_blocks ate the newline before the sentence)
    previous = risk_scores_frame()[["facility_id", "risk", "rank"]]
    previous["rank"] = [2, 1, 6, 4, 5, 3, 7, 8, 9, 10]
    ctx = build_risk_list(
        risk_scores_frame(), as_of=AS_OF, model_version="v1", previous=previous, comparison_as_of=dt.date(2026, 7, 1)
    )
    doc = parse(render_html(ctx))
    change = {r.attrs["data-facility-id"]: r.find_all("td")[3].text() for r in doc.root.with_attr("data-rank")}
    assert (change["R01"], change["R02"], change["R03"]) == ("0,0 pp +1 plads", "0,0 pp −1 plads", "0,0 pp +3 pladser")
    assert "de næste 20 %. Ændringen er målt mod risikokørslen pr. 1. juli 2026" in doc.body_text
    # "de 1 mest risikable af 2 tilbud"
    two = build_risk_list(
        risk_scores_frame(), as_of=AS_OF, model_version="v1", authority="midt", facility_type="opholdssted"
    )
    assert "Den øverste tiendedel er den mest risikable af 2 tilbud." in parse(render_html(two)).body_text
    # the model card: the calibration method in Danish (also for a model stored with the English text), and
    # when it was stored the way the app writes moments, not "2026-10-01"
    meta = model_meta()
    meta["authority_offsets"] = {
        "offsets": {"syd": -0.37, "midt": 0.04},
        "counts": {"syd": 1169, "midt": 1477},
        "method": "fixed effects: authority + theme x facility type x year, least squares, shrunk",
    }
    card = parse(render_html(build_model_card(meta))).body_text
    assert "Metode: faste effekter for socialtilsyn og for tema × tilbudstype × år, mindste kvadraters" in card
    assert "least squares" not in card
    assert "gemt 1. okt. 2026 kl. " in card and "2026-10-01" not in card
    # one format for a risk in a plan row: "risiko 6 %" beside the reason's "(…, risiko 0,06)"
    plan_ = hand_plan()
    reason = "Risiko: nr. 2 af 3 i socialtilsynet (risiko 0,06); planlagt før fristen 20. januar 2027"
    visits = tuple(dataclasses.replace(v, reason=reason) if v.facility_id == "F2" else v for v in plan_.visits)
    report = build_plan_report(dataclasses.replace(plan_, visits=visits), small_dataset(), risks={"F2": 0.06})
    row = next(r for r in parse(render_html(report)).root.find_all("tr") if r.attrs.get("data-facility-id") == "F2")
    assert "risiko 6 %" in row.text() and "(risiko 6 %); planlagt før fristen" in row.text()
    assert "0,06" not in row.text()


def test_moments_are_written_the_danish_way_also_from_iso_text() -> None:
    from reports.render import format_when_da

    assert format_when_da("2026-11-23T08:21:14") == "23. nov. 2026 kl. 08.21"
    assert format_when_da(dt.datetime(2026, 11, 23, 8, 21, 14)) == "23. nov. 2026 kl. 08.21"
    assert format_when_da("2019-01-01") == "1. jan. 2019"
    assert format_when_da(None) == "–" and format_when_da("ukendt") == "ukendt"


def test_the_model_cards_hyperparameters_have_danish_names_and_numbers() -> None:
    """The table showed the raw names and values: 'learning_rate 0.05', 'calibration platt'."""
    meta = {
        **model_meta(),
        "hyperparameters": {
            "learning_rate": 0.05,
            "calibration": "platt",
            "n_estimators": 1000,
            "min_child_samples": 100,
        },
    }
    doc = parse(render_html(build_model_card(meta)))
    [table] = doc.root.find_all("table", **{"class": "hyper"})
    rows = {tuple(c.text().strip() for c in r.find_all("td")) for r in table.find_all("tr") if r.find_all("td")}
    assert rows == {
        ("Læringsrate", "0,05"),
        ("Kalibrering", "Platt-skalering"),
        ("Antal træer", "1.000"),
        ("Mindste antal observationer pr. blad", "100"),
    }
    assert "learning_rate" not in doc.body_text


def test_the_profile_writes_the_national_count_with_a_thousands_separator() -> None:
    """'nr. 526 af 1981 tilbud nationalt' while the risk list says 1.981."""
    ctx = build_facility_profile(peer_dataset(), "F1", as_of=AS_OF, explanation=explanation(), national_count=1981)
    assert "af 1.981 tilbud" in " ".join(parse(render_html(ctx)).body_text.split())


def test_model_card_says_how_visits_without_scores_are_treated() -> None:
    # A real export has visits without scores (follow-ups, old years); the card said nothing about them.
    patchy = {**model_meta(), "label_visits": 2030, "unscored_visits": 412}
    doc = parse(render_html(build_model_card(patchy)))
    note = doc.root.find_all("p", **{"class": "warning unscored-visits"})
    assert len(note) == 1
    text = " ".join(note[0].text().split())
    assert text.startswith("412 af de 2.030 tilsynsbesøg, som træningens øjebliksbilleder mærkes ud fra (20,3 %), har")
    assert "regner ikke et besøg uden scorer for et besøg uden alvorligt fund" in text
    # a few follow-ups without scores (10 % or less), and a card stored before the counts: nothing said
    for meta in ({**model_meta(), "label_visits": 2030, "unscored_visits": 203}, model_meta()):
        assert "uden scorer" not in parse(render_html(build_model_card(meta))).body_text


def test_a_tilbud_without_reasons_is_said_to_have_no_warning_sign_not_no_raising_factor() -> None:
    # the reasons for a risk are the warning signs that raise it (models.explain.warns): a tilbud can have
    # factors that raise its risk a little (a trait, "ingen magtanvendelser" above the average tilbud's) and no
    # reason, so "Ingen faktorer øger risikoen over gennemsnittet" would be untrue
    no_reasons = dataclasses.replace(explanation(), top_factors=[])
    ctx = build_facility_profile(peer_dataset(), "F1", as_of=AS_OF, explanation=no_reasons, national_count=8)
    text = " ".join(parse(render_html(ctx)).body_text.split())
    assert "Ingen advarselstegn øger tilbuddets risiko over gennemsnittet." in text
    assert "Ingen faktorer" not in text
    frame = risk_scores_frame().assign(top_factors=lambda f: [[] for _ in range(len(f))])
    listed = " ".join(parse(render_html(build_risk_list(frame, as_of=AS_OF, model_version="v1"))).body_text.split())
    assert "Ingen advarselstegn øger risikoen over gennemsnittet" in listed
    assert "Ingen faktorer" not in listed


def test_every_table_header_says_what_it_heads(docs: dict[str, Document]) -> None:
    """A screen reader reads a data cell with its headers: no header cell had a scope, the plan's week rows
    (a header over the visits below it) read as column headers, and the comparison with rotation began with an
    empty header cell over row labels written as plain cells."""
    for name, doc in docs.items():
        headers = doc.root.find_all("th")
        assert headers, name
        assert [h.text() for h in headers if h.attrs.get("scope") not in ("col", "row", "rowgroup")] == [], name
        assert [h for h in headers if not h.text()] == [], name  # no empty header cell
        for table in doc.root.find_all("table"):
            head = table.find_all("thead")
            assert head and all(h.attrs.get("scope") == "col" for h in head[0].find_all("th")), name
    weeks = [tr.find_all("th")[0] for tr in docs["plan"].root.find_all("tr") if tr.attrs.get("class") == "week"]
    assert weeks and all(th.attrs["scope"] == "rowgroup" for th in weeks)
    baseline = docs["plan"].root.find_all("table", **{"class": "baseline"})[0]
    rows = [th.text() for th in baseline.find_all("th") if th.attrs["scope"] == "row"]
    assert rows[0].startswith("Andel af") and len(rows) == 3


def test_no_template_writes_a_header_cell_without_scope() -> None:
    """The web pages' tables too (uploads, plans, the front page): every <th> in a template has a scope."""
    from pathlib import Path

    import reports

    folder = Path(reports.__file__).parent / "templates"
    missing = [
        f"{path.relative_to(folder)}: {tag}"
        for path in sorted(folder.rglob("*.html"))
        for tag in re.findall(r"<th(?:\s[^>]*)?>", path.read_text(encoding="utf-8"))
        if "scope=" not in tag
    ]
    assert missing == []


def test_the_force_chart_names_its_quarters_as_the_page_does(docs: dict[str, Document]) -> None:
    """The chart is per quarter ("Magtanvendelser pr. plads pr. kvartal"), but its axis read "okt. 2023",
    "apr. 2024": the first month of a quarter, which reads as a month."""
    force = next(s for s in docs["facility"].svgs() if s.attrs["aria-label"].startswith("Magtanvendelser"))
    ticks = [t.text() for t in force.iter() if t.tag == "text"]
    assert "3. kvt. 2026" in ticks and not [t for t in ticks if re.fullmatch(r"[a-z]{3}\. \d{4}", t)], ticks
    assert "i 3. kvt. 2026" in force.attrs["aria-label"]


def test_a_closed_tilbuds_profile_says_why_it_has_no_risk() -> None:
    """A leader opening a tilbud closed in 2021 read only "Tilbuddet har ingen risikoscore pr. …", as if the model
    had failed it; the closing date stood far above in the master data."""
    ds = peer_dataset()
    fac = ds.facilities.copy()
    fac.loc[fac["facility_id"] == "F1", "closed_on"] = pd.Timestamp("2021-03-10")
    closed = build_facility_profile(ds.with_tables(facilities=fac), "F1", as_of=AS_OF)
    text = parse(render_html(closed)).body_text
    assert "Tilbuddet blev lukket 10. marts 2021 og har derfor ingen risikoscore pr. 1. oktober 2026." in " ".join(
        text.split()
    )
    fac.loc[fac["facility_id"] == "F1", ["approved_on", "closed_on"]] = [pd.Timestamp("2026-11-02"), pd.NaT]
    later = build_facility_profile(ds.with_tables(facilities=fac), "F1", as_of=AS_OF)
    assert "Tilbuddet blev godkendt 2. november 2026, efter 1. oktober 2026, og har derfor ingen risikoscore" in (
        " ".join(parse(render_html(later)).body_text.split())
    )
    active = build_facility_profile(ds, "F1", as_of=AS_OF)  # active, but not scored (no explanation given)
    assert "Tilbuddet har ingen risikoscore pr. 1. oktober 2026." in " ".join(
        parse(render_html(active)).body_text.split()
    )


def test_a_tilbud_without_assessments_gets_a_sentence_not_an_empty_theme_chart() -> None:
    """A tilbud never assessed (closed before its first visit) printed a chart frame a third of a page high with
    "Ingen vurderinger endnu" in it; the page's other empty sections say so in one line."""
    ds = peer_dataset()
    visits = ds.visits[ds.visits["facility_id"] != "F1"]
    themes = ds.theme_scores[ds.theme_scores["visit_id"].isin(set(visits["visit_id"]))]
    none = build_facility_profile(ds.with_tables(visits=visits, theme_scores=themes), "F1", as_of=AS_OF)
    doc = parse(render_html(none))
    assert not [s for s in doc.svgs() if s.attrs["aria-label"].startswith("Temaværdier ved hvert tilsyn")]
    assert "Ingen tilsyn med temavurderinger i data." in " ".join(doc.body_text.split())
    assert [
        s for s in parse(render_html(profile(False))).svgs() if "Temaværdier ved hvert tilsyn" in s.attrs["aria-label"]
    ]


def test_the_socialtilsyn_filter_of_one_tilsyn_s_data_names_it() -> None:
    """A risk list of one tilsyn's data without a filter was titled "Risikoliste — Socialtilsyn Nord" above a filter
    line "Socialtilsyn: Alle socialtilsyn"; the filter now says whom "all" is."""
    listed = risk_list()
    assert isinstance(listed, RiskListContext)
    nord = dataclasses.replace(listed, authorities=("nord",))
    assert nord.title == "Risikoliste — Socialtilsyn Nord"
    assert nord.filters[0] == AppliedFilter("Socialtilsyn", "Alle i data: Socialtilsyn Nord")
    everyone = dataclasses.replace(listed, authorities=tuple(a.value for a in Authority))
    assert everyone.filters[0] == AppliedFilter("Socialtilsyn", "Alle socialtilsyn")
    midt = dataclasses.replace(listed, authority="midt", authorities=("nord", "midt"))
    assert midt.filters[0] == AppliedFilter("Socialtilsyn", "Socialtilsyn Midt")


def test_a_report_file_has_no_empty_navigation_landmark(docs: dict[str, Document]) -> None:
    """A report saved as a file has no site navigation, yet it had an empty ``<nav>``: a screen reader listed a
    "navigation" landmark that held nothing. It has a skip link to its one ``main`` and one ``h1``."""
    for name, doc in docs.items():
        assert doc.root.find_all("nav") == [], name
        assert len(doc.root.find_all("main")) == 1 and len(doc.root.find_all("h1")) == 1, name
        assert doc.root.find_all("html")[0].attrs.get("lang") == "da", name
        skip = doc.root.find_all("a", **{"class": "skip-link"})
        assert [a.attrs.get("href") for a in skip] == ["#main"], name


def test_a_value_marked_in_colour_is_marked_by_a_symbol_and_words_too() -> None:
    """WCAG 1.4.1: a table cell the colour marks (over capacity, a low theme value, a serious event, a high fairness
    ratio) also shows a symbol and says in words, for a screen reader, why; they were red and bold only. A deadline
    cell says it in its text already ("overskredet")."""
    from reports.context import MISSED_DA

    marked: dict[str, list[str]] = {}
    for name, context in all_reports().items():
        doc = parse(render_html(context))
        for cell in doc.root.find_all("td"):
            if not {"over", "due"} & set(cell.attrs.get("class", "").split()):
                continue
            if any(f"({label})" in cell.text() for label in MISSED_DA.values()):
                continue
            flag = [e for e in cell.iter() if e.attrs.get("class") == "flag"]
            assert [(e.text(), e.attrs.get("aria-hidden")) for e in flag] == [("⚠", "true")], (name, cell.text())
            assert [e for e in cell.iter() if e.attrs.get("class") == "sr-only"], (name, cell.text())
            marked.setdefault(name, []).append(cell.text())
    assert marked["facility"] == [
        "⚠ 1,8 (lav værdi: 2 eller derunder)",
        "⚠ 1,0 (lav værdi: 2 eller derunder)",
        "⚠ bekymringshenvendelse (alvor: høj) (alvorlig)",
        "⚠ påbud (alvorlig)",
    ]
    assert marked["plan"] == ["⚠ 100 % (95 % eller mere af kapaciteten)"]


def test_a_high_fairness_ratio_is_marked_by_a_symbol_and_words_too() -> None:
    from reports.context import FairnessRow, FairnessTable

    listed = risk_list()
    assert isinstance(listed, RiskListContext) and listed.fairness is not None
    row = FairnessRow("privat", "Privat", 10, 0.3, 1.0, 0.6)  # 60 % of the top decile, 30 % of all: ratio 2
    box = dataclasses.replace(listed.fairness, tables=(FairnessTable("ownership", "Ejerform", (row,)),))
    doc = parse(render_html(dataclasses.replace(listed, fairness=box)))
    [cell] = [c for c in doc.root.find_all("td") if "over" in c.attrs.get("class", "").split()]
    assert cell.text() == "⚠ 2,00 (forhold på 1,5 eller mere)"


def test_model_card_says_when_the_evaluated_model_was_calibrated_on_few_findings() -> None:
    """40 tilbud, five years: the period for early stopping and calibration held 1 serious finding in 78 rows, so
    the evaluated model predicted 1-7 % where 64-79 % were found, and the card showed that table and an error of
    18,2 % without a word -- while the model that scores is calibrated on the validation period (27 findings)."""
    periods = [
        {"name": "A", "start": "2021-06-15", "end": "2023-08-15", "rows": 290, "positives": 52},
        {"name": "B", "start": "2024-02-15", "end": "2024-07-15", "rows": 78, "positives": 1},
        {"name": "C", "start": "2025-01-15", "end": "2025-11-15", "rows": 140, "positives": 27},
    ]
    text = " ".join(parse(render_html(build_model_card({**model_meta(), "periods": periods}))).body_text.split())
    assert (
        "Kalibreringen i tabellen er tilpasset på perioden for tidlig stop og kalibrering, som kun har 1 alvorligt "
        "fund: tabellen siger derfor lidt om de risici, modellen giver nu. Den model, der scorer, er kalibreret på "
        "valideringsperioden (27 alvorlige fund)."
    ) in text
    enough = [{**p, "positives": 40} if p["name"] == "B" else p for p in periods]
    text = " ".join(parse(render_html(build_model_card({**model_meta(), "periods": enough}))).body_text.split())
    assert "Kalibreringen i tabellen er tilpasset" not in text


def test_a_feature_no_data_informed_says_so_instead_of_an_importance_of_0() -> None:
    """A tilsyn without staff figures or magtanvendelser: the card listed those features with importance 0,000,
    which a leader reads as "tested and found unimportant". Sanctions, loaded and found to matter nothing, keep
    their 0,000; a card stored before the model kept which features had no data shows its figures as before."""
    base = model_meta()
    meta = {
        **base,
        "features": [
            *base["features"],  # type: ignore[list-item]
            {"name": "turnover_ratio", "monotone": 1, "categorical": False},
            {"name": "sanctions_5y", "monotone": 1, "categorical": False},
        ],
        "global_importance": {"theme_min": 0.4, "force_ratio_12m": 0.0, "turnover_ratio": 0.0, "sanctions_5y": 0.0},
        "features_without_data": ["force_ratio_12m", "turnover_ratio"],
    }
    doc = parse(render_html(build_model_card(meta)))
    rows = [(r.attrs["data-feature"], r.text()) for r in doc.root.with_attr("data-feature")]
    assert [name for name, _ in rows] == [
        "theme_min",
        "facility_type",
        "sanctions_5y",
        "force_ratio_12m",
        "turnover_ratio",
    ]
    shown = dict(rows)
    assert shown["force_ratio_12m"].endswith("ingen data indlæst") and "0,000" not in shown["force_ratio_12m"]
    assert shown["turnover_ratio"].endswith("ingen data indlæst")
    assert shown["sanctions_5y"].endswith("0,000")
    text = " ".join(doc.body_text.split())
    assert (
        "Ingen data indlæst: der var ingen data om faktoren (use_of_force.csv og staff_figures.csv), da modellen blev "
        "trænet, så den havde samme værdi for alle tilbud, og dens betydning kunne ikke måles; det betyder ikke, at "
        "den er uden betydning. Indlæs dataene, og træn modellen igen."
    ) in text
    before = parse(render_html(build_model_card({**meta, "features_without_data": None})))
    old = {r.attrs["data-feature"]: r.text() for r in before.root.with_attr("data-feature")}
    assert old["force_ratio_12m"].endswith("0,000") and "ingen data indlæst" not in before.body_text.lower()


def test_model_card_says_when_lightgbm_leads_the_expert_score_within_the_noise_of_the_validation_period() -> None:
    """bench/alien_world.py variant b seed 1: LightGBM was kept on 0,556 against the expert score's 0,495 on 49
    findings, a lead of 1,8 standard errors of the difference; the card showed the lead as earned. A lead beyond
    two standard errors, and a card stored before the lead was measured, read as before."""
    lead = {"auc": 0.061, "standard_error": 0.035, "positives": 49, "within_noise": True}
    metrics = {"model": {"auc": 0.556, "rows": 2284.0}, "expert": {"auc": 0.495, "rows": 2284.0}}

    def text(meta: dict[str, object]) -> str:
        return " ".join(parse(render_html(build_model_card({**model_meta(), **meta}))).body_text.split())

    assert (
        "LightGBM rangerer valideringsperioden bedre end ekspertscoren (AUC 0,556 mod 0,495), men forskellen 0,061 "
        "er ikke over 2 standardfejl (2 × 0,035 på periodens 49 alvorlige fund) og kan være tilfældig."
    ) in text({"lead_over_expert": lead, "metrics": metrics})
    clear = {**lead, "standard_error": 0.02, "within_noise": False}
    assert "kan være tilfældig" not in text({"lead_over_expert": clear, "metrics": metrics})
    assert "kan være tilfældig" not in text({"metrics": metrics})


def test_a_blended_model_card_marks_the_blend_as_the_risk_used() -> None:
    """The row marked as the risk used was LightGBM's also when the risk is its blend with the expert score."""
    blended = parse(
        render_html(build_model_card({**model_meta(), "blend": {"weight": 0.7, "shift": 0.0, "auc": 0.82}}))
    )
    plain = parse(render_html(build_model_card(model_meta())))
    assert [
        r.attrs["data-score"] for r in blended.root.with_attr("data-score") if "risk" in r.attrs.get("class", "")
    ] == ["blend"]
    assert [
        r.attrs["data-score"] for r in plain.root.with_attr("data-score") if "risk" in r.attrs.get("class", "")
    ] == ["model"]


def test_a_blended_model_card_gives_the_blends_precision_in_the_top_tenth() -> None:
    """The blend's row showed "–" for its precision in the top 10 % on C: the card did not store it."""
    blend = {"weight": 0.7, "shift": 0.0, "auc": 0.82, "precision_top10": 0.345}
    card = parse(render_html(build_model_card({**model_meta(), "blend": blend})))
    row = next(r for r in card.root.with_attr("data-score") if r.attrs["data-score"] == "blend")
    assert "34,5 %" in row.text() and "–" not in row.text()
    older = parse(render_html(build_model_card({**model_meta(), "blend": {**blend, "precision_top10": None}})))
    row = next(r for r in older.root.with_attr("data-score") if r.attrs["data-score"] == "blend")
    assert "–" in row.text()
