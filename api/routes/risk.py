"""risk routes (wired when the service lands)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["risk"])
