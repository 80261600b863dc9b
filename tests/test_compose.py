# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""docker-compose.yml cannot run here (no Docker engine): keep it honest."""

import configparser
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MODULES = {"crm_retail_loyalty", "crm_retail_campaigns", "crm_retail_reports"}


def load():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    conf = configparser.ConfigParser()
    conf.read(ROOT / "odoo.conf")
    return compose, conf["options"]


def option(command, name):
    text = " ".join(command) if isinstance(command, list) else command
    for token in text.split():
        if token.startswith(f"--{name}="):
            return token.split("=", 1)[1]
    return None


def test_images_and_services():
    compose, _conf = load()
    services = compose["services"]
    assert services["db"]["image"] == "postgres:16"
    assert services["odoo"]["image"] == "odoo:18"
    assert services["test"]["image"] == "odoo:18"
    assert services["test"]["profiles"] == ["test"]
    assert services["odoo"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_mounts_and_volumes():
    compose, conf = load()
    for name in ("odoo", "test"):
        volumes = compose["services"][name]["volumes"]
        assert "./addons:/mnt/extra-addons:ro" in volumes
        assert "./odoo.conf:/etc/odoo/odoo.conf:ro" in volumes
        assert f"odoo-data:{conf['data_dir']}" in volumes
    assert "db-data:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert set(compose["volumes"]) == {"db-data", "odoo-data"}
    assert conf["addons_path"] == "/mnt/extra-addons"


def test_credentials_match_between_db_and_odoo():
    compose, _conf = load()
    db_env = compose["services"]["db"]["environment"]
    for name in ("odoo", "test"):
        env = compose["services"][name]["environment"]
        assert env["HOST"] == "db"
        assert env["USER"] == db_env["POSTGRES_USER"]
        assert env["PASSWORD"] == db_env["POSTGRES_PASSWORD"]


def test_odoo_command_matches_config():
    compose, conf = load()
    odoo = compose["services"]["odoo"]
    assert odoo["ports"] == [f"{conf['http_port']}:8069"]
    command = odoo["command"]
    assert command[0] == "odoo"
    assert option(command, "config") == "/etc/odoo/odoo.conf"
    assert option(command, "database") == conf["db_name"]
    assert conf["dbfilter"] == f"^{conf['db_name']}$"
    assert set(option(command, "init").split(",")) == MODULES
    assert conf.getboolean("without_demo") is False, "demo data on first start"


def test_test_service_runs_every_addon_suite():
    compose, _conf = load()
    command = compose["services"]["test"]["command"][0]
    assert "--test-enable" in command and "--stop-after-init" in command
    assert set(option(command, "init").split(",")) == MODULES
    assert {t.lstrip("/") for t in option(command, "test-tags").split(",")} == MODULES
    db = option(command, "database")
    assert f"dropdb --if-exists {db}" in command, "a fresh database each run"
    assert option(command, "dbfilter") == f"^{db}$"
