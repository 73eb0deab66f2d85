"""End-to-end harness: a real ``tilsynsplan serve`` process on a free port and a real headless Chromium.

The server runs on a temporary ``TILSYNSPLAN_HOME`` holding the small hand-built dataset
(``tests.factories.small_dataset``), already scored (a stored risk run), with a known token. Chromium
is the system's (/usr/bin/chromium); no browser is ever downloaded. Each test gets a fresh browser
context (no cookies), so tests do not depend on each other or on their order.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from api.services import imports
from api.services.plans import create_plan
from api.services.risk_lists import risk_list
from data.calendar import quarter_of
from data.settings import Settings
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import write_csv_folder

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TOKEN = "e2e-planner-token"
START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Server:
    url: str
    home: Path
    data: Path  # the small dataset as CSV files (valid upload)
    plan_id: int  # a stored plan of 2026Q4 with unannounced visits
    settings: Settings
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"tilsynsplan serve stopped (exit {process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"tilsynsplan serve did not answer within {START_TIMEOUT_S} s:\n{log.read_text()}")


def prepare_home(root: Path) -> tuple[Settings, Path, int]:
    """The small dataset imported, scored and planned in a fresh home (while the server starts)."""
    settings = Settings(home=root / "home", database_url="", today=AS_OF, api_tokens=[TOKEN], solver_time_limit_s=5)
    data = write_csv_folder(small_dataset(), root / "data")
    imports.import_upload(settings, data, label="e2e")
    risk_list(settings)  # trains the (cold-start) model and stores the first risk run
    plan = create_plan(settings, quarter_of(AS_OF), as_of=AS_OF)
    return settings, data, plan.id


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The server process starts first (its imports take a few seconds); the home is prepared meanwhile
    (the server touches the database only when a page asks for data)."""
    root = tmp_path_factory.mktemp("e2e")
    home = root / "home"
    port = _free_port()
    env = {
        **os.environ,
        "TILSYNSPLAN_HOME": str(home),
        "TILSYNSPLAN_DATABASE_URL": "",
        "TILSYNSPLAN_TODAY": AS_OF.isoformat(),
        "TILSYNSPLAN_API_TOKENS": json.dumps([TOKEN]),
        "TILSYNSPLAN_LOG_LEVEL": "WARNING",
    }
    log = root / "server.log"
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        settings, data, plan_id = prepare_home(root)
        assert settings.home == home
        _wait_until_up(url, process, log)
        yield Server(url=url, home=home, data=data, plan_id=plan_id, settings=settings, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Chromium is not installed (/usr/bin/chromium); run scripts/system-deps.sh")  # never skipped
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="da-DK")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def log_in(page: Page, server: Server, path: str = "/") -> None:
    """Log in through the form (``/login?next=path``) and land on ``path``."""
    page.goto(f"{server.url}/login?next={path}")
    page.fill("#token", TOKEN)
    page.click("#login-submit")
    page.wait_for_url(f"{server.url}{path}")
