"""CLI command modules; importing this package registers all of them on ``api.cli_app.app``.

One module per feature, so parallel work never edits the same file.
"""

from api.commands import backtest as backtest
from api.commands import data as data
from api.commands import demo as demo
from api.commands import locks as locks
from api.commands import model as model
from api.commands import plan as plan
from api.commands import report as report
from api.commands import serve as serve
from api.commands import settings_cmd as settings_cmd
from api.commands import synthetic as synthetic

__all__ = ["backtest", "data", "demo", "locks", "model", "plan", "report", "serve", "settings_cmd", "synthetic"]
