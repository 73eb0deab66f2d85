"""Test factories, in one place. Small hand-built datasets whose every value is known.

Add new factories here (append; keep the existing ones stable: other tests depend on them).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.dataset import Dataset

AS_OF = dt.date(2026, 10, 1)


def facilities_frame() -> pd.DataFrame:
    """Six facilities in two authorities, covering adult, children's, ambulant and boarding-school types."""
    return pd.DataFrame(
        [
            # id, name, authority, municipality, postcode, type, ownership, places, approved, board, respite
            ("F1", "Bostedet Egebakken", "midt", "Silkeborg", "8600", "sel108", "kommunal", 24, "2015-03-01", False, False),
            ("F2", "Opholdsstedet Solsikken", "midt", "Aarhus", "8000", "opholdssted", "privat", 8, "2019-06-15", True, False),
            ("F3", "Krisecenter Havbrisen", "midt", "Randers", "8900", "sel109", "selvejende", 12, "2012-01-10", True, False),
            ("F4", "Rusmiddelcenter Nord", "nord", "Aalborg", "9000", "sel101", "kommunal", 40, "2014-09-01", False, False),
            ("F5", "Efterskolen Vesterhavet", "nord", "Hjørring", "9800", "kostskole", "selvejende", 60, "2018-08-01", True, False),
            ("F6", "Døgninstitutionen Lærken", "nord", "Thisted", "7700", "doegninstitution", "regional", 16, "2026-05-01", False, False),
        ],
        columns=[
            "facility_id", "name", "authority", "municipality", "postcode", "facility_type", "ownership",
            "places", "approved_on", "has_board", "respite_only",
        ],
    )  # fmt: skip


def inspectors_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("I1", "Anne Holm", "midt", "all", 3, "8600"),
            ("I2", "Bo Jensen", "midt", "sel108;sel109;opholdssted", 2, "8000"),
            ("I3", "Camilla Søndergaard", "nord", "all", 3, "9000"),
        ],
        columns=["inspector_id", "name", "authority", "competences", "visits_per_week", "postcode"],
    )


def visits_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("V1", "F1", "2024-03-12", False, "operational", "I1"),
            ("V2", "F1", "2025-04-08", True, "operational", "I1"),
            ("V3", "F2", "2025-01-20", False, "operational", "I2"),
            ("V4", "F3", "2023-11-02", True, "operational", "I1;I2"),
            ("V5", "F4", "2025-09-15", False, "operational", "I3"),
            ("V6", "F5", "2024-10-01", True, "operational", "I3"),
        ],
        columns=["visit_id", "facility_id", "date", "announced", "kind", "inspector_ids"],
    )


def indicator_scores_frame() -> pd.DataFrame:
    rows = [
        ("V1", "4.a", 4), ("V1", "4.b", 4), ("V1", "5.a", 3), ("V1", "9.b", 2),
        ("V2", "4.a", 2), ("V2", "4.b", 1), ("V2", "5.a", 2), ("V2", "9.b", 1),
        ("V3", "1.d", 5), ("V3", "2.f", 4), ("V3", "14.c", 5),
        ("V5", "3.a", 4), ("V5", "8.a", 3),
        ("V6", "1.d", 5), ("V6", "10.a", 4),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["visit_id", "indicator", "score"])


def small_dataset() -> Dataset:
    """A tiny national dataset: six facilities, three inspectors, six visits with indicator scores,
    a little use of force, staff figures, one concern and one sanction. Everything dated before AS_OF."""
    return Dataset.from_frames(
        {
            "facilities": facilities_frame(),
            "inspectors": inspectors_frame(),
            "visits": visits_frame(),
            "indicator_scores": indicator_scores_frame(),
            "theme_scores": pd.DataFrame(
                [("V4", "health_wellbeing", 3.5), ("V4", "physical_setting", 4.0)],
                columns=["visit_id", "theme", "score"],
            ),
            "use_of_force": pd.DataFrame(
                [("F2", "2026-06", 3, "fastholdelse"), ("F2", "2026-07", 5, "fastholdelse"), ("F1", "2026-07", 1, "")],
                columns=["facility_id", "month", "count", "kind"],
            ),
            "staff_figures": pd.DataFrame(
                [("F1", 2024, 18.0, 6.5), ("F1", 2025, 31.0, 9.0), ("F2", 2025, 12.0, 4.0)],
                columns=["facility_id", "year", "staff_turnover_pct", "sickness_absence_pct"],
            ),
            "concerns": pd.DataFrame([("F1", "2026-02-03", "high")], columns=["facility_id", "date", "severity"]),
            "sanctions": pd.DataFrame([("F1", "2025-04-20", "paabud")], columns=["facility_id", "date", "kind"]),
            "absences": pd.DataFrame([("I1", "2026-12-21", "2027-01-03")], columns=["inspector_id", "start", "end"]),
        }
    )
