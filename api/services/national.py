"""What every facility's page compares it with, computed once and kept in the process.

A facility's profile (``/tilbud/<id>``, ``/api/v1/reports/facility/<id>``, ``tilsynsplan report facility``)
and its explanation (``/api/v1/facilities/<id>/explanation``, ``tilsynsplan explain``) place one facility
among all the others: its rank needs every facility's risk, its comparison values every facility's
features, its bands the peers' history. At 5,000 tilbud loading the tables took about 4 s, scoring every
facility 1 s and the theme values of every visit 0.5 s -- for each page. None of it depends on which
facility is shown, so it is made once and kept:

- :func:`stored_data` -- the stored :class:`~data.dataset.Dataset`, kept while the database is unchanged:
  the same newest import batch and, for a SQLite file, the same file (any write to it, an import, a plan or
  a risk run, makes the next call load again);
- :meth:`StoredData.day` -- what was known on a day (``Dataset.known_at``), its theme values per visit and
  the number of active tilbud;
- :meth:`StoredData.scoring` -- one model's scoring of every active facility on a day: features, risk,
  margin and comparison values, without contributions (one facility's are computed on request).

The newest state of at most ``MAX_DATABASES`` databases is kept (a server has one, the tests many), with
up to ``MAX_PER_DATABASE`` days and scorings each. What is kept is shared by every request: callers read it
and never change it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import pandas as pd
from sqlalchemy.engine import Engine

from data.dataset import Dataset
from data.store import import_stamp, load_dataset
from models.explain import comparison_values
from models.risk_model import Scored
from models.store import StoredModel

log = logging.getLogger(__name__)

MAX_DATABASES = 2
MAX_PER_DATABASE = 4
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _kept(store: OrderedDict[K, V], key: K, make: Callable[[], V], size: int) -> V:
    """``store[key]``, made by ``make()`` when missing; the least recently used beyond ``size`` are dropped."""
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = make()
    store[key] = value
    while len(store) > size:
        store.popitem(last=False)
    return value


@dataclass(frozen=True)
class KnownDay:
    """What was known on ``day``: the data, its theme values per visit, the number of active tilbud."""

    day: dt.date
    known: Dataset  # Dataset.known_at(day)
    theme_values: pd.DataFrame  # known.visit_theme_values()
    active_count: int


class StoredData:
    """The stored data of one state of a database, and what is derived from it (made on first use)."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._lock = threading.Lock()
        self._days: OrderedDict[dt.date, KnownDay] = OrderedDict()
        self._scorings: OrderedDict[tuple[str, dt.date], Scored] = OrderedDict()

    def day(self, day: dt.date) -> KnownDay:
        def make() -> KnownDay:
            known = self.dataset.known_at(day)
            return KnownDay(day, known, known.visit_theme_values(), len(known.active_facilities(day)))

        with self._lock:
            return _kept(self._days, day, make, MAX_PER_DATABASE)

    def scoring(self, stored: StoredModel, day: dt.date) -> Scored:
        """Every active facility scored by ``stored`` as of ``day``, with comparison values and no
        contributions (``RiskModel.explain_scored`` adds one facility's)."""

        def make() -> Scored:
            started = time.perf_counter()
            scored = stored.model.score(self.dataset, day, explain=False)
            seconds = time.perf_counter() - started
            log.info("scored %d facilities as of %s for the kept data (%.1f s)", len(scored.risk), day, seconds)
            return replace(scored, comparisons=comparison_values(scored.features))

        with self._lock:
            return _kept(self._scorings, (str(stored.path), day), make, MAX_PER_DATABASE)


def _sqlite_file(engine: Engine) -> Path | None:
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _in_memory(engine: Engine) -> bool:
    return engine.url.get_backend_name() == "sqlite" and _sqlite_file(engine) is None


def _state(engine: Engine) -> Hashable:
    """What changes when the stored data may have: the newest import batch; for a SQLite file also the
    file's identity, size and modification time."""
    path = _sqlite_file(engine)
    stat = path.stat() if path is not None and path.exists() else None
    file = None if stat is None else (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    return (import_stamp(engine), file)


_lock = threading.Lock()
_databases: OrderedDict[str, tuple[Hashable, StoredData]] = OrderedDict()


def stored_data(engine: Engine) -> StoredData:
    """The data stored in ``engine``'s database: the kept copy while the database is unchanged, else
    loaded now (and kept). An in-memory database is loaded every time."""
    if _in_memory(engine):
        return StoredData(load_dataset(engine))
    url = engine.url.render_as_string(hide_password=False)
    state = _state(engine)  # before loading: a write while loading makes the next call load again
    with _lock:  # one load at a time: a burst of first requests waits for one load instead of making many
        kept = _databases.get(url)
        if kept is not None and kept[0] == state:
            _databases.move_to_end(url)
            return kept[1]
        started = time.perf_counter()
        data = StoredData(load_dataset(engine))
        log.info("loaded the stored data for the facility pages (%.1f s)", time.perf_counter() - started)
        _databases[url] = (state, data)
        while len(_databases) > MAX_DATABASES:
            _databases.popitem(last=False)
        return data


def drop_kept() -> None:
    """Drop everything kept (the next call loads again)."""
    with _lock:
        _databases.clear()
