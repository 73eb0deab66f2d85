"""Danish names: tilbud names by type, inspectors' names, and target-group texts.

A target group also carries a factor on magtanvendelser (residents with autism or severe
developmental disabilities see more restraint than residents with physical disabilities): that is
DOMAIN's "skewed by target group", and it is not risk.
"""

from __future__ import annotations

import numpy as np

from data.enums import FacilityType

T = FacilityType

#: Place-like stems of Danish tilbud names.
STEMS: tuple[str, ...] = (
    "Egebakken", "Lindegården", "Solbakken", "Kildehøj", "Birkely", "Skovly", "Fjordglimt", "Bøgely",
    "Toftegården", "Engly", "Granly", "Lyngbo", "Rosenhaven", "Møllehuset", "Havblik", "Strandly",
    "Kastanjehuset", "Elmehøj", "Askegården", "Vibeholm", "Nørremarken", "Søndergården", "Østergården",
    "Vestergården", "Bakkehuset", "Højvang", "Lærkely", "Solsikken", "Kløverengen", "Hybenhuset",
    "Spiren", "Ankeret", "Fyrtårnet", "Kompasset", "Nordstjernen", "Skovbrynet", "Åbakken", "Mosegården",
    "Enghaven", "Pilehuset", "Hasselhøj", "Valmuen", "Tusindfryd", "Rønnebærhuset", "Kirsebærhaven",
    "Bredagergård", "Tingstedet", "Kragereden", "Svalereden", "Uglegården", "Ravnsborg", "Hjortholm",
    "Sølyst", "Bellevue", "Fredly", "Godthåb", "Hvidbjerg", "Klitgården", "Marehalm", "Sandbjerg",
    "Dalgården", "Bakkely", "Lyngholm", "Skrænten", "Stensbjerg", "Tornhøj", "Vesterled", "Østerled",
    "Agerbo", "Engbo", "Fjordbo", "Havbo", "Skovbo", "Søbo", "Lundbo", "Højbo", "Kærbo", "Vangbo",
    "Bøgebakken", "Egeskoven", "Birkegården", "Ahornhuset", "Poppelgården", "Platanhuset", "Lindehuset",
    "Mågen", "Terne", "Stæren", "Spurven", "Glenten", "Viben", "Lærken", "Svanen", "Tranen", "Hejren",
    "Kildevang", "Kildemosen", "Kildegården", "Åhuset", "Brohuset", "Mølledammen", "Stationsbyen",
    "Kirkebakken", "Præstegården", "Skolehuset", "Mejeriet", "Smedien", "Bageriet", "Posthuset",
    "Gl. Skovridergård", "Nyvang", "Nygård", "Holmegården", "Rugmarken", "Hvedemarken", "Havremarken",
    "Sletten", "Heden", "Klitten", "Skoven", "Fjorden", "Bugten", "Næsset", "Odden", "Øen", "Halvøen",
)  # fmt: skip

#: Name patterns per type; ``{stem}`` is a stem, ``{town}`` the municipality.
PATTERNS: dict[FacilityType, tuple[str, ...]] = {
    T.SEL107: ("Bostedet {stem}", "Botilbuddet {stem}", "{stem}", "Center {stem}", "Midlertidigt botilbud {stem}"),
    T.SEL108: ("Bostedet {stem}", "Botilbuddet {stem}", "{stem}", "Bo- og aktivitetscenter {stem}", "Boformen {stem}"),
    T.BOTILBUDSLIGNENDE: (
        "Bofællesskabet {stem}",
        "{stem}",
        "Boligerne {stem}",
        "Bostøtten {stem}",
        "Botilbuddet {stem}",
    ),
    T.SEL109: ("Krisecenter {stem}", "Kvindehuset {stem}", "Krisecentret i {town}", "Mandecenter {town}"),
    T.SEL110: ("Forsorgshjemmet {stem}", "Herberget {stem}", "Herberget i {town}", "Kirkens Korshærs Herberg {town}"),
    T.SEL101: ("Rusmiddelcenter {town}", "Misbrugscenter {town}", "Behandlingscenter {stem}", "Ungeindsatsen {town}"),
    T.SUL141: ("Alkoholbehandlingen {town}", "Alkoholambulatoriet {town}", "Ambulant behandling {stem}"),
    T.OPHOLDSSTED: ("Opholdsstedet {stem}", "{stem}", "Opholdsstedet {stem} ApS", "Behandlingsstedet {stem}"),
    T.DOEGNINSTITUTION: (
        "Døgninstitutionen {stem}",
        "Børne- og ungehjemmet {stem}",
        "Ungecenter {stem}",
        "Børnehuset {stem}",
    ),
    T.SIKRET_DOEGNINSTITUTION: ("Den sikrede institution {stem}", "Sikret institution {stem}"),
    T.KOSTSKOLE: ("{stem} Efterskole", "Efterskolen {stem}", "{stem} Friskole og kostafdeling", "{town} Efterskole"),
}

#: Target groups per type: (text, factor on magtanvendelser).
TARGET_GROUPS: dict[FacilityType, tuple[tuple[str, float], ...]] = {
    T.SEL107: (
        ("Voksne med sindslidelse", 0.7),
        ("Voksne med udviklingshæmning", 1.3),
        ("Voksne med erhvervet hjerneskade", 1.0),
        ("Voksne med autismespektrumforstyrrelse", 2.2),
        ("Voksne med dobbeltdiagnose", 1.2),
    ),
    T.SEL108: (
        ("Voksne med udviklingshæmning", 1.3),
        ("Voksne med autismespektrumforstyrrelse", 2.2),
        ("Voksne med erhvervet hjerneskade", 1.0),
        ("Voksne med fysisk funktionsnedsættelse", 0.3),
        ("Voksne med sindslidelse", 0.7),
        ("Voksne med demens og udviklingshæmning", 1.6),
    ),
    T.BOTILBUDSLIGNENDE: (
        ("Voksne med sindslidelse", 0.6),
        ("Voksne med udviklingshæmning", 1.2),
        ("Voksne med autismespektrumforstyrrelse", 2.0),
        ("Unge voksne med sociale problemer", 0.5),
    ),
    T.SEL109: (("Kvinder udsat for vold og deres børn", 1.0), ("Mænd udsat for vold", 1.0)),
    T.SEL110: (("Hjemløse voksne", 1.0), ("Voksne med sociale problemer og misbrug", 1.0)),
    T.SEL101: (("Voksne med stofmisbrug", 1.0), ("Unge under 25 med rusmiddelproblemer", 1.0)),
    T.SUL141: (("Voksne med alkoholproblemer", 1.0),),
    T.OPHOLDSSTED: (
        ("Børn og unge med omsorgssvigt", 0.8),
        ("Unge med adfærdsproblemer", 1.4),
        ("Børn og unge med autisme", 1.8),
        ("Unge med psykiatriske diagnoser", 1.2),
        ("Børn og unge med tilknytningsforstyrrelser", 1.0),
    ),
    T.DOEGNINSTITUTION: (
        ("Børn og unge med omsorgssvigt", 0.8),
        ("Børn og unge med udviklingshæmning", 1.5),
        ("Unge med adfærdsproblemer", 1.4),
        ("Børn med autisme og ADHD", 1.8),
    ),
    T.SIKRET_DOEGNINSTITUTION: (("Unge 12-17 år anbragt efter dom eller varetægt", 1.0),),
    T.KOSTSKOLE: (("Unge 14-18 år med særlige behov", 1.0), ("Unge 14-18 år i efterskoleforløb", 1.0)),
}

FIRST_NAMES: tuple[str, ...] = (
    "Anne", "Mette", "Kirsten", "Hanne", "Susanne", "Lene", "Camilla", "Louise", "Maria", "Charlotte",
    "Helle", "Tina", "Pernille", "Rikke", "Marianne", "Line", "Sofie", "Ida", "Julie", "Katrine",
    "Lars", "Jens", "Peter", "Michael", "Henrik", "Søren", "Thomas", "Morten", "Jesper", "Anders",
    "Martin", "Rasmus", "Jacob", "Mads", "Christian", "Niels", "Bo", "Kasper", "Frederik", "Mikkel",
    "Birgitte", "Dorthe", "Gitte", "Malene", "Signe", "Stine", "Trine", "Vibeke", "Mie", "Nanna",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen",
    "Poulsen", "Johansen", "Møller", "Mortensen", "Holm", "Søndergaard", "Kjær", "Lund", "Bech",
    "Dahl", "Frandsen", "Bak", "Vestergaard", "Østergaard", "Lauridsen", "Damgaard", "Bruun", "Friis",
    "Skov", "Krogh", "Mikkelsen", "Eriksen", "Iversen", "Knudsen", "Overgaard", "Høj", "Juhl", "Winther",
)  # fmt: skip


def facility_names(types: np.ndarray, towns: np.ndarray, ownership: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A Danish name per tilbud; unique within the world (a town, then a numeral, is added on a clash).
    Only private companies carry "ApS"."""
    n = len(types)
    out = np.empty(n, dtype=object)
    seen: set[str] = set()
    stems = rng.integers(len(STEMS), size=n)
    picks = rng.random(n)
    for i in range(n):
        patterns = PATTERNS[FacilityType(types[i])]
        pattern = patterns[int(picks[i] * len(patterns))]
        name = pattern.format(stem=STEMS[stems[i]], town=towns[i])
        if ownership[i] != "privat":
            name = name.removesuffix(" ApS")
        if name in seen:
            name = f"{name}, {towns[i]}"
        base, k = name, 2
        while name in seen:
            name = f"{base} {_roman(k)}"
            k += 1
        seen.add(name)
        out[i] = name
    return out


def _roman(k: int) -> str:
    return {2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}.get(k, str(k))


def target_groups(types: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A target-group text per tilbud and its factor on magtanvendelser."""
    n = len(types)
    text = np.empty(n, dtype=object)
    factor = np.ones(n)
    picks = rng.random(n)
    for i in range(n):
        options = TARGET_GROUPS[FacilityType(types[i])]
        text[i], factor[i] = options[int(picks[i] * len(options))]
    return text, factor


def person_names(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` distinct Danish names."""
    out: list[str] = []
    seen: set[str] = set()
    tries = 0
    while len(out) < n:
        first = FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]
        last = LAST_NAMES[int(rng.integers(len(LAST_NAMES)))]
        tries += 1
        # Past half of the plain combinations, add a middle initial (big worlds need many names).
        middle = f" {chr(ord('A') + int(rng.integers(26)))}." if tries > len(FIRST_NAMES) * len(LAST_NAMES) // 2 else ""
        name = f"{first}{middle} {last}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out
