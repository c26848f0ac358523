"""The systemd units shipped in deploy/ run commands that exist and restart what must run."""

import configparser
import re
from pathlib import Path

from django.core.management import get_commands

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((DEPLOY / name).read_text().replace("\\\n", " "))
    return parser


def test_long_running_services_restart_always():
    for name in ("passfamille-web.service", "passfamille-worker@.service"):
        assert unit(name)["Service"]["Restart"] == "always", name
    assert "passfamille_worker" in unit("passfamille-worker@.service")["Service"]["ExecStart"]


def test_every_timer_has_its_service_and_every_command_exists():
    commands = get_commands()
    timers = sorted(DEPLOY.glob("*.timer"))
    assert {t.stem for t in timers} >= {"passfamille-sweep", "passfamille-purge"}
    for timer in timers:
        assert unit(timer.name)["Timer"]["OnCalendar"]
        service = unit(f"{timer.stem}.service")["Service"]
        assert service["Type"] == "oneshot"
    for path in DEPLOY.glob("*.service"):
        for command in re.findall(r"manage\.py (\w+)", path.read_text()):
            assert command in commands, (path.name, command)
