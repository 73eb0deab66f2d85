"""The model store: every trained model on disk under ``settings.model_dir``, one folder per version.

``<model_dir>/<version>/model.pkl`` holds the fitted :class:`~models.risk_model.RiskModel` (pickle:
load only models this installation wrote), ``meta.json`` the model card — version, training window,
features, hyperparameters, metrics, reliability, authority offsets, fairness audit, global importance.
The version is the UTC creation time and a hash of the card, e.g. ``20261001T120000-3f9a1c2b``, so
versions sort by age.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.errors import NotFoundError, shown_value
from data.settings import Settings
from models.risk_model import RiskModel

log = logging.getLogger(__name__)

MODEL_FILE = "model.pkl"
META_FILE = "meta.json"
#: There is no model yet (the message names no folder of the server: readers of the web pages and the API see it).
NO_MODEL = "Der er ingen trænet risikomodel endnu. Kør 'tilsynsplan train' eller POST /api/v1/model/train."


@dataclass(frozen=True)
class StoredModel:
    version: str
    path: Path
    model: RiskModel
    meta: dict[str, Any]

    @property
    def as_of(self) -> dt.date:
        return self.model.as_of_.date()


def _version(card: dict[str, Any], now: dt.datetime) -> str:
    digest = hashlib.sha256(json.dumps(card, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"{now:%Y%m%dT%H%M%S}-{digest}"


def save_model(settings: Settings, model: RiskModel, extra: dict[str, Any] | None = None) -> StoredModel:
    """Store a fitted model with its card (plus ``extra`` keys, e.g. the fairness audit); returns it."""
    card = model.card()
    now = dt.datetime.now(dt.UTC)
    version = _version(card, now)
    root = settings.model_dir
    path = root / version
    suffix = 1
    while path.exists():
        suffix += 1
        path = root / f"{version}-{suffix}"
    version = path.name
    path.mkdir(parents=True)
    meta = {"version": version, "created_at": now.isoformat(timespec="seconds"), **card, **(extra or {})}
    with (path / MODEL_FILE).open("wb") as fh:
        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
    (path / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    log.info("model %s stored in %s", version, path)
    return StoredModel(version=version, path=path, model=model, meta=meta)


def list_models(settings: Settings) -> list[dict[str, Any]]:
    """Every stored model's card, oldest first."""
    root = settings.model_dir
    if not root.is_dir():
        return []
    out = []
    for meta_path in sorted(root.glob(f"*/{META_FILE}")):
        try:
            out.append(json.loads(meta_path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            log.warning("unreadable model card %s", meta_path)
    return sorted(out, key=lambda m: (m.get("created_at", ""), m.get("version", "")))


def latest_version(settings: Settings, as_of_on_or_before: dt.date | None = None) -> str | None:
    """The current model: the one trained as of the latest date (the newest of those); with
    ``as_of_on_or_before``, among the models trained as of that date or before. A model trained afterwards as of
    an earlier date (a what-if, a past-date report, a re-run of last quarter) does not replace the one for the
    later date, neither for scoring nor on the overview and the model card."""
    cards = list_models(settings)
    if as_of_on_or_before is not None:
        limit = as_of_on_or_before.isoformat()
        cards = [c for c in cards if str(c.get("as_of", "")) <= limit]
    cards = sorted(cards, key=lambda c: str(c.get("as_of", "")))  # stable: creation order within a date
    return str(cards[-1]["version"]) if cards else None


def _is_version_name(version: str) -> bool:
    """Whether ``version`` can name a folder directly in the model store. A version comes from users (the API's
    ``/reports/model?version=``, ``tilsynsplan report model --version``): ``../x`` would load (unpickle) a
    ``model.pkl`` from anywhere, and a name over 255 bytes made the file system's check fail (a 500)."""
    return (
        version not in {"", ".", ".."}
        and "/" not in version
        and "\\" not in version
        and "\x00" not in version
        and len(version.encode("utf-8", "surrogatepass")) <= 255
    )


def load_model(settings: Settings, version: str | None = None) -> StoredModel:
    """A stored model: ``version``, or the current one (:func:`latest_version`) when ``None``. Unknown or none ->
    ``NotFoundError``."""
    if version is None:
        version = latest_version(settings)
        if version is None:
            raise NotFoundError(NO_MODEL)
    path = settings.model_dir / version
    if not _is_version_name(version) or not (path / MODEL_FILE).is_file():
        known = [str(c["version"]) for c in list_models(settings)]
        shown = ", ".join(known[-5:]) if known else "ingen"
        raise NotFoundError(f"Modelversion '{shown_value(version)}' findes ikke. Kendte versioner (nyeste): {shown}.")
    with (path / MODEL_FILE).open("rb") as fh:
        model = pickle.load(fh)
    meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    return StoredModel(version=version, path=path, model=model, meta=meta)
