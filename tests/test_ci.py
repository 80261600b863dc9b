# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""CI and the local entry point stop clearly when Odoo is missing."""

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def python_without_odoo(tmp_path_factory):
    path = tmp_path_factory.mktemp("no-odoo")
    venv.EnvBuilder(with_pip=False).create(path)
    python = path / "bin" / "python"
    assert subprocess.run([python, "-c", "import odoo"], capture_output=True).returncode != 0
    return str(python)


def test_ci_stops_when_odoo_is_missing(python_without_odoo):
    result = subprocess.run(
        [str(ROOT / ".ci" / "run")],
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHON": python_without_odoo},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Odoo 18 is not importable" in result.stderr


def test_run_stops_when_odoo_is_missing(python_without_odoo):
    result = subprocess.run(
        [str(ROOT / "run"), "test"],
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHON": python_without_odoo},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Odoo 18 is not importable" in result.stderr


def test_ci_calls_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./run test" in readme and "\n./run test\n" in ci
    assert sys.executable
