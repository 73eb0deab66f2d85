"""CLI command modules; importing this package registers all of them on ``api.cli_app.app``."""

from api.commands import data as data
from api.commands import settings_cmd as settings_cmd

__all__ = ["data", "settings_cmd"]
