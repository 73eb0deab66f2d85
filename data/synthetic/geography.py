"""Real geography: the 98 municipalities in each socialtilsyn's region, with a postcode and an
approximate centre.

Nord = Region Nordjylland, Midt = Region Midtjylland, Syd = Region Syddanmark, Hovedstaden = Region
Hovedstaden, Øst = Region Sjælland. Population (thousands, rounded) weights where tilbud lie; the four
large cities have several postcodes. Coordinates are the main town's approximate centre; a tilbud is
placed within a couple of kilometres of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.contract import DK_LAT, DK_LON
from data.enums import Authority

A = Authority


@dataclass(frozen=True)
class Municipality:
    name: str
    authority: Authority
    population_k: float
    postcodes: tuple[tuple[str, float, float], ...]  # (postcode, lat, lon)


def _m(name: str, authority: Authority, pop: float, *postcodes: tuple[str, float, float]) -> Municipality:
    return Municipality(name, authority, pop, tuple(postcodes))


MUNICIPALITIES: tuple[Municipality, ...] = (
    # --- Region Nordjylland (Socialtilsyn Nord) ---------------------------------------------------
    _m(
        "Aalborg",
        A.NORD,
        222,
        ("9000", 57.048, 9.919),
        ("9200", 57.025, 9.890),
        ("9210", 57.018, 9.948),
        ("9220", 57.035, 9.995),
        ("9400", 57.066, 9.922),
    ),
    _m("Hjørring", A.NORD, 64, ("9800", 57.464, 9.982)),
    _m("Frederikshavn", A.NORD, 59, ("9900", 57.441, 10.537)),
    _m("Mariagerfjord", A.NORD, 42, ("9500", 56.639, 9.791)),
    _m("Jammerbugt", A.NORD, 38, ("9440", 57.162, 9.730)),
    _m("Vesthimmerlands", A.NORD, 37, ("9600", 56.803, 9.518)),
    _m("Rebild", A.NORD, 30, ("9530", 56.885, 9.838)),
    _m("Brønderslev", A.NORD, 36, ("9700", 57.270, 9.941)),
    _m("Thisted", A.NORD, 43, ("7700", 56.957, 8.694)),
    _m("Morsø", A.NORD, 20, ("7900", 56.795, 8.859)),
    _m("Læsø", A.NORD, 2, ("9940", 57.255, 11.000)),
    # --- Region Midtjylland (Socialtilsyn Midt) ---------------------------------------------------
    _m(
        "Aarhus",
        A.MIDT,
        365,
        ("8000", 56.157, 10.211),
        ("8200", 56.186, 10.178),
        ("8210", 56.167, 10.152),
        ("8220", 56.155, 10.108),
        ("8240", 56.195, 10.227),
        ("8260", 56.126, 10.160),
        ("8270", 56.112, 10.205),
    ),
    _m("Randers", A.MIDT, 99, ("8900", 56.461, 10.036)),
    _m("Silkeborg", A.MIDT, 97, ("8600", 56.170, 9.545)),
    _m("Horsens", A.MIDT, 97, ("8700", 55.861, 9.850)),
    _m("Herning", A.MIDT, 90, ("7400", 56.139, 8.974)),
    _m("Viborg", A.MIDT, 97, ("8800", 56.453, 9.402)),
    _m("Holstebro", A.MIDT, 59, ("7500", 56.360, 8.616)),
    _m("Skanderborg", A.MIDT, 64, ("8660", 56.034, 9.929)),
    _m("Favrskov", A.MIDT, 50, ("8382", 56.266, 10.063)),
    _m("Hedensted", A.MIDT, 47, ("8722", 55.770, 9.702)),
    _m("Skive", A.MIDT, 46, ("7800", 56.567, 9.027)),
    _m("Ringkøbing-Skjern", A.MIDT, 56, ("6950", 56.090, 8.244)),
    _m("Syddjurs", A.MIDT, 43, ("8400", 56.195, 10.682)),
    _m("Norddjurs", A.MIDT, 37, ("8500", 56.416, 10.878)),
    _m("Ikast-Brande", A.MIDT, 42, ("7430", 56.139, 9.158)),
    _m("Struer", A.MIDT, 21, ("7600", 56.492, 8.594)),
    _m("Lemvig", A.MIDT, 20, ("7620", 56.549, 8.311)),
    _m("Odder", A.MIDT, 23, ("8300", 55.974, 10.153)),
    _m("Samsø", A.MIDT, 4, ("8305", 55.834, 10.590)),
    # --- Region Syddanmark (Socialtilsyn Syd) -----------------------------------------------------
    _m(
        "Odense",
        A.SYD,
        207,
        ("5000", 55.396, 10.388),
        ("5200", 55.390, 10.340),
        ("5210", 55.410, 10.350),
        ("5220", 55.370, 10.430),
        ("5230", 55.380, 10.410),
        ("5250", 55.360, 10.350),
        ("5260", 55.350, 10.400),
        ("5270", 55.430, 10.380),
    ),
    _m("Esbjerg", A.SYD, 116, ("6700", 55.476, 8.459), ("6705", 55.480, 8.500)),
    _m("Vejle", A.SYD, 122, ("7100", 55.709, 9.536)),
    _m("Kolding", A.SYD, 95, ("6000", 55.490, 9.472)),
    _m("Sønderborg", A.SYD, 74, ("6400", 54.914, 9.792)),
    _m("Aabenraa", A.SYD, 59, ("6200", 55.044, 9.418)),
    _m("Haderslev", A.SYD, 56, ("6100", 55.249, 9.489)),
    _m("Fredericia", A.SYD, 52, ("7000", 55.565, 9.752)),
    _m("Svendborg", A.SYD, 59, ("5700", 55.060, 10.607)),
    _m("Tønder", A.SYD, 37, ("6270", 54.933, 8.865)),
    _m("Varde", A.SYD, 50, ("6800", 55.621, 8.481)),
    _m("Vejen", A.SYD, 43, ("6600", 55.481, 9.138)),
    _m("Billund", A.SYD, 27, ("7190", 55.731, 9.115)),
    _m("Middelfart", A.SYD, 39, ("5500", 55.506, 9.730)),
    _m("Assens", A.SYD, 41, ("5610", 55.270, 9.900)),
    _m("Faaborg-Midtfyn", A.SYD, 51, ("5600", 55.095, 10.243)),
    _m("Nyborg", A.SYD, 32, ("5800", 55.312, 10.790)),
    _m("Kerteminde", A.SYD, 24, ("5300", 55.449, 10.657)),
    _m("Nordfyns", A.SYD, 29, ("5400", 55.567, 10.089)),
    _m("Langeland", A.SYD, 12, ("5900", 54.936, 10.710)),
    _m("Ærø", A.SYD, 6, ("5970", 54.888, 10.411)),
    _m("Fanø", A.SYD, 3.5, ("6720", 55.444, 8.401)),
    # --- Region Hovedstaden (Socialtilsyn Hovedstaden) --------------------------------------------
    _m(
        "København",
        A.HOVEDSTADEN,
        655,
        ("2100", 55.716, 12.577),
        ("2200", 55.697, 12.548),
        ("2300", 55.655, 12.595),
        ("2400", 55.709, 12.524),
        ("2450", 55.650, 12.540),
        ("2500", 55.662, 12.508),
        ("2700", 55.706, 12.492),
        ("2720", 55.687, 12.488),
    ),
    _m("Frederiksberg", A.HOVEDSTADEN, 105, ("2000", 55.678, 12.532)),
    _m("Albertslund", A.HOVEDSTADEN, 28, ("2620", 55.657, 12.354)),
    _m("Allerød", A.HOVEDSTADEN, 26, ("3450", 55.871, 12.343)),
    _m("Ballerup", A.HOVEDSTADEN, 49, ("2750", 55.731, 12.363)),
    _m("Bornholms", A.HOVEDSTADEN, 39, ("3700", 55.101, 14.702)),
    _m("Brøndby", A.HOVEDSTADEN, 35, ("2605", 55.648, 12.419)),
    _m("Dragør", A.HOVEDSTADEN, 14, ("2791", 55.593, 12.672)),
    _m("Egedal", A.HOVEDSTADEN, 44, ("3660", 55.769, 12.196)),
    _m("Fredensborg", A.HOVEDSTADEN, 41, ("3480", 55.975, 12.405)),
    _m("Frederikssund", A.HOVEDSTADEN, 45, ("3600", 55.839, 12.069)),
    _m("Furesø", A.HOVEDSTADEN, 41, ("3520", 55.808, 12.360)),
    _m("Gentofte", A.HOVEDSTADEN, 75, ("2820", 55.752, 12.549)),
    _m("Gladsaxe", A.HOVEDSTADEN, 70, ("2860", 55.734, 12.497), ("2880", 55.765, 12.460)),
    _m("Glostrup", A.HOVEDSTADEN, 23, ("2600", 55.666, 12.400)),
    _m("Gribskov", A.HOVEDSTADEN, 41, ("3200", 56.022, 12.197)),
    _m("Halsnæs", A.HOVEDSTADEN, 31, ("3300", 55.972, 12.024)),
    _m("Helsingør", A.HOVEDSTADEN, 63, ("3000", 56.036, 12.612)),
    _m("Herlev", A.HOVEDSTADEN, 29, ("2730", 55.724, 12.439)),
    _m("Hillerød", A.HOVEDSTADEN, 52, ("3400", 55.928, 12.311)),
    _m("Hvidovre", A.HOVEDSTADEN, 53, ("2650", 55.642, 12.474)),
    _m("Høje-Taastrup", A.HOVEDSTADEN, 51, ("2630", 55.651, 12.300)),
    _m("Hørsholm", A.HOVEDSTADEN, 25, ("2970", 55.881, 12.501)),
    _m("Ishøj", A.HOVEDSTADEN, 23, ("2635", 55.615, 12.352)),
    _m("Lyngby-Taarbæk", A.HOVEDSTADEN, 56, ("2800", 55.771, 12.504)),
    _m("Rudersdal", A.HOVEDSTADEN, 57, ("2840", 55.815, 12.473)),
    _m("Rødovre", A.HOVEDSTADEN, 41, ("2610", 55.681, 12.454)),
    _m("Tårnby", A.HOVEDSTADEN, 43, ("2770", 55.630, 12.626)),
    _m("Vallensbæk", A.HOVEDSTADEN, 16, ("2625", 55.621, 12.385)),
    # --- Region Sjælland (Socialtilsyn Øst) -------------------------------------------------------
    _m("Roskilde", A.OEST, 90, ("4000", 55.642, 12.080)),
    _m("Næstved", A.OEST, 84, ("4700", 55.230, 11.760)),
    _m("Greve", A.OEST, 50, ("2670", 55.583, 12.300)),
    _m("Køge", A.OEST, 62, ("4600", 55.458, 12.182)),
    _m("Holbæk", A.OEST, 72, ("4300", 55.717, 11.713)),
    _m("Slagelse", A.OEST, 80, ("4200", 55.402, 11.354)),
    _m("Kalundborg", A.OEST, 49, ("4400", 55.681, 11.089)),
    _m("Guldborgsund", A.OEST, 60, ("4800", 54.766, 11.874)),
    _m("Vordingborg", A.OEST, 46, ("4760", 55.009, 11.911)),
    _m("Ringsted", A.OEST, 36, ("4100", 55.443, 11.790)),
    _m("Sorø", A.OEST, 30, ("4180", 55.432, 11.556)),
    _m("Faxe", A.OEST, 37, ("4640", 55.256, 12.118)),
    _m("Stevns", A.OEST, 23, ("4660", 55.310, 12.388)),
    _m("Lejre", A.OEST, 29, ("4320", 55.604, 11.975)),
    _m("Solrød", A.OEST, 23, ("2680", 55.533, 12.217)),
    _m("Odsherred", A.OEST, 33, ("4500", 55.925, 11.671)),
    _m("Lolland", A.OEST, 40, ("4900", 54.831, 11.145)),
)

#: Tilbud are a little more spread than people: weight = population ** this.
_WEIGHT_POWER = 0.85
_JITTER_LAT = 0.015  # ≈ 1.7 km
_JITTER_LON = 0.025  # ≈ 1.6 km


@dataclass(frozen=True)
class Locations:
    municipality: np.ndarray  # str
    postcode: np.ndarray  # str
    lat: np.ndarray
    lon: np.ndarray


def municipalities_of(authority: Authority) -> tuple[Municipality, ...]:
    return tuple(m for m in MUNICIPALITIES if m.authority == authority)


def sample_locations(authorities: np.ndarray, rng: np.random.Generator) -> Locations:
    """A municipality, postcode and coordinates inside the region of each given authority code."""
    n = len(authorities)
    muni = np.empty(n, dtype=object)
    post = np.empty(n, dtype=object)
    lat = np.zeros(n)
    lon = np.zeros(n)
    for authority in Authority:
        idx = np.flatnonzero(authorities == authority.value)
        if len(idx) == 0:
            continue
        options = municipalities_of(authority)
        weights = np.array([m.population_k**_WEIGHT_POWER for m in options])
        chosen = rng.choice(len(options), size=len(idx), p=weights / weights.sum())
        for j, k in zip(idx, chosen, strict=True):
            m = options[k]
            code, la, lo = m.postcodes[int(rng.integers(len(m.postcodes)))]
            muni[j], post[j], lat[j], lon[j] = m.name, code, la, lo
    lat = np.clip(lat + rng.uniform(-_JITTER_LAT, _JITTER_LAT, n), DK_LAT[0] + 0.01, DK_LAT[1] - 0.01)
    lon = np.clip(lon + rng.uniform(-_JITTER_LON, _JITTER_LON, n), DK_LON[0] + 0.01, DK_LON[1] - 0.01)
    return Locations(muni, post, np.round(lat, 5), np.round(lon, 5))
