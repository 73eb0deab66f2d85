"""Danish labels and number formats used in every table, report and message."""

from __future__ import annotations

from data.enums import Authority, FacilityType
from data.glossary import (
    danish_code,
    format_number_da,
    format_percent_da,
    plan_scope_da,
    plan_top_group_da,
    some_ids_da,
    top_split_da,
)


def test_danish_code_names_a_stored_code_and_leaves_an_unknown_one_as_it_is() -> None:
    assert danish_code(Authority, "oest") == "Socialtilsyn Øst"
    assert danish_code(FacilityType, "sel108") == "længerevarende botilbud (SEL § 108)"
    assert danish_code(Authority, "atlantis") == "atlantis"


def test_a_plan_without_authority_filter_over_one_socialtilsyn_is_named_after_it() -> None:
    assert plan_scope_da(None, ["nord", "nord"]) == "Socialtilsyn Nord"  # a tilsyn that imports only its own files
    assert plan_scope_da(None, ["midt", "nord"]) == "Socialtilsyn Nord og Midt"  # as the reports name them
    assert plan_scope_da(None, ["nord", "midt", "syd", "hovedstaden", "oest"]) == "alle socialtilsyn"
    assert plan_scope_da(None) == "alle socialtilsyn"  # not known (a plan list has no visits)
    assert plan_scope_da("oest", ["midt", "nord"]) == "Socialtilsyn Øst"  # --authority decides


def test_numbers_are_written_the_danish_way() -> None:
    assert format_number_da(1988, 0) == "1.988"
    assert format_number_da(1234.56, 1) == "1.234,6"
    assert format_percent_da(0.1234, 1) == "12,3 %"


def test_a_number_that_rounds_to_zero_has_no_minus_sign() -> None:
    # a tilsyn's median change of theme values, -0.04, was written "-0,0" in explanations and reports
    assert format_number_da(-0.04, 1) == "0,0"
    assert format_number_da(-0.4, 0) == "0"
    assert format_number_da(-0.0, 2) == "0,00"
    assert format_number_da(-0.06, 1) == "-0,1"
    assert format_number_da(-1234.5, 0) == "-1.235"  # half up, away from zero (as 1234.5 -> 1.235)


def test_numbers_are_rounded_half_up_as_a_reader_rounds() -> None:
    # Theme values are means of 2 or 4 scores, so x,25 and x,75 are common: half to even on the binary
    # float wrote 1.25 as "1,2" beside 1.75 as "1,8" (a mean that did not match the values shown).
    assert format_number_da(1.25, 1) == "1,3"
    assert format_number_da(1.75, 1) == "1,8"
    assert format_number_da(2.675, 2) == "2,68"  # the decimal written, not the binary 2.67499999...
    assert format_number_da(0.5, 0) == "1" and format_number_da(2.5, 0) == "3"
    assert format_number_da(-1.25, 1) == "-1,3" and format_number_da(-0.05, 1) == "-0,1"
    assert format_number_da(1234567.25, 1) == "1.234.567,3"
    assert format_percent_da(0.125) == "13 %"
    assert format_number_da(float("nan"), 1) == "nan"


def test_the_plans_top_group_says_it_is_counted_in_each_socialtilsyn() -> None:
    # 60 tilbud in five tilsyn: the planner's top group is 2 in each, 10 in all; "Højeste risikodecil (10 tilbud)"
    # read as a national decile (6)
    assert plan_top_group_da(["nord", "midt", "syd"], 0.10) == "de 10 % mest risikable i hvert socialtilsyn"
    assert plan_top_group_da([], 0.10) == "de 10 % mest risikable i hvert socialtilsyn"
    assert plan_top_group_da(["nord"], 0.10) == "de 10 % mest risikable i Socialtilsyn Nord"
    # drawn nationally (the default, the risk list's "høj"): one tilsyn's share of the national group
    assert plan_top_group_da(["nord", "midt"], 0.10, "national") == "de 10 % mest risikable tilbud på landsplan"
    assert (
        plan_top_group_da(["nord"], 0.10, "national") == "Socialtilsyn Nords tilbud blandt de 10 % mest risikable på "
        "landsplan"
    )
    # a risk run of one or two tilsyn's own data is not "på landsplan"
    assert (
        plan_top_group_da(["midt"], 0.10, "national", ["midt"]) == "de 10 % mest risikable tilbud i Socialtilsyn Midt"
    )
    assert (
        plan_top_group_da(["midt"], 0.10, "national", ["nord", "midt"])
        == "Socialtilsyn Midts tilbud blandt de 10 % mest risikable i Socialtilsyn Nord og Midt"
    )


def test_the_national_top_group_is_split_by_socialtilsyn_in_the_enums_order() -> None:
    counts = {"syd": 46, "hovedstaden": 1045, "nord": 0, "midt": 38}
    assert top_split_da(counts) == "Nord 0, Midt 38, Syd 46 og Hovedstaden 1.045"  # as authorities_da orders them
    assert top_split_da({"nord": 6}) == ""  # one tilsyn: nothing to split
    assert top_split_da({}) == ""


def test_the_ids_left_out_of_a_list_are_counted_with_a_thousands_point() -> None:
    ids = [f"T{i}" for i in range(2584)]
    assert some_ids_da(ids) == "T0, T1, T2, T3, T4 og 2.579 andre"
    assert some_ids_da(ids[:6]) == "T0, T1, T2, T3, T4 og 1 anden"
    assert some_ids_da(ids[:5]) == "T0, T1, T2, T3, T4"
