"""The systemd units in deploy/: they restart what stops, and systemd itself accepts them."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNITS = sorted((ROOT / "deploy").glob("*.service"))


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys keep their case, as systemd reads them
    parser.read(path)
    return parser


def test_there_is_a_unit_for_the_web_app_and_one_for_the_worker():
    assert [unit.name for unit in UNITS] == ["booking-web.service", "booking-worker.service"]
    commands = [_unit(unit)["Service"]["ExecStart"] for unit in UNITS]
    assert "gunicorn --preload" in commands[0] and "wsgi:app" in commands[0]
    assert commands[1].endswith("flask --app wsgi outbox run --interval 10")


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_restarts_what_stops_and_runs_unprivileged(unit):
    service = _unit(unit)["Service"]
    assert service["Restart"] == "always"
    assert service["User"] == "booking"
    assert service["NoNewPrivileges"] == "yes"
    assert service["EnvironmentFile"] == "/etc/booking/booking.env"


def _installed_copy(unit: Path, folder: Path, broken: bool = False) -> Path:
    """The unit as it would stand on a server, with this checkout in place of /srv/booking."""
    text = unit.read_text()
    text = text.replace("/srv/booking/.venv/bin/", f"{ROOT}/.venv/bin/")
    text = text.replace("/etc/booking/booking.env", str(folder / "booking.env"))
    text = text.replace("/srv/booking", str(folder))
    if broken:
        text = text.replace("Restart=always", "Restart=whenever it likes")
    copy = folder / unit.name
    copy.write_text(text)
    return copy


def test_systemd_accepts_the_units(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed here")
    (tmp_path / "booking.env").write_text("APP_ENV=production\n")
    (tmp_path / "instance").mkdir()
    copies = [str(_installed_copy(unit, tmp_path)) for unit in UNITS]
    result = subprocess.run(
        ["systemd-analyze", "verify", *copies], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
    # The check can fail: a unit systemd cannot read is reported.
    broken = _installed_copy(UNITS[1], tmp_path, broken=True)
    refused = subprocess.run(
        ["systemd-analyze", "verify", str(broken)], capture_output=True, text=True, timeout=60
    )
    assert "Failed to parse service restart specifier" in refused.stderr
