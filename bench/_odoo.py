# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared helpers for the bench scripts: an installed Odoo 18, our addons."""

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = "crm_retail_loyalty,crm_retail_campaigns,crm_retail_reports"

try:
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
except ImportError:  # pragma: no cover - the message is the point
    sys.exit("bench: Odoo 18 is not importable by this Python ('import odoo' failed).")


def addons_path():
    return f"{ROOT}/addons,{os.path.dirname(odoo.__file__)}/addons"


def odoo_args(database):
    data_dir = os.path.join(ROOT, ".run", "filestore")
    args = [
        "-c",
        os.path.join(ROOT, "odoo.conf"),
        f"--addons-path={addons_path()}",
        f"--data-dir={data_dir}",
        f"--database={database}",
        f"--db-filter=^{database}$",
    ]
    for env_name, option in (
        ("ODOO_DB_HOST", "--db_host"),
        ("ODOO_DB_PORT", "--db_port"),
        ("ODOO_DB_USER", "--db_user"),
        ("ODOO_DB_PASSWORD", "--db_password"),
    ):
        if os.environ.get(env_name):
            args.append(f"{option}={os.environ[env_name]}")
    return args


def database_exists(database):
    import psycopg2

    odoo.tools.config.parse_config(odoo_args("postgres"))
    conn = odoo.sql_db.db_connect("postgres")
    with conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        found = bool(cr.fetchone())
    del psycopg2
    return found


def drop_database(database):
    odoo.tools.config.parse_config(odoo_args("postgres"))
    odoo.service.db.exp_drop(database)


def install(database, modules=MODULES, demo=False, log=print):
    """Create ``database`` with ``modules`` in a separate Odoo process."""
    started = time.perf_counter()
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        *odoo_args(database),
        "-i",
        modules,
        "--stop-after-init",
        "--log-level=warn",
    ]
    if not demo:
        cmd.append("--without-demo=all")
    subprocess.run(cmd, check=True)
    log(f"installed {modules} in {database} in {time.perf_counter() - started:.1f}s")


def environment(database):
    """A registry and a cursor factory on ``database`` (superuser env)."""
    odoo.tools.config.parse_config(odoo_args(database))
    registry = Registry(database)
    return registry


def make_env(cr):
    return api.Environment(cr, SUPERUSER_ID, {})
