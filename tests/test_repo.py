# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Repository checks: manifests, translations, readme fragments, layout."""

import ast
import csv
import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
ADDONS = sorted(p.parent for p in (ROOT / "addons").glob("*/__manifest__.py"))
EXPECTED = {"crm_retail_loyalty", "crm_retail_campaigns", "crm_retail_reports"}
DEPENDS = {
    "crm_retail_loyalty": {
        "point_of_sale",
        "pos_loyalty",
        "sale_loyalty",
        "phone_validation",
        "sms",
    },
    "crm_retail_campaigns": {"crm_retail_loyalty", "mail", "sms", "mass_mailing"},
    "crm_retail_reports": {"crm_retail_campaigns"},
}


def manifest(addon):
    return ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))


def test_layout():
    assert {a.name for a in ADDONS} == EXPECTED
    for path in (
        "odoo.conf",
        "docker-compose.yml",
        "README.md",
        ".ci/run",
        "run",
        "bench/generate",
        ".pre-commit-config.yaml",
        "requirements-test.txt",
    ):
        assert (ROOT / path).exists(), path


@pytest.mark.parametrize("addon", ADDONS, ids=lambda a: a.name)
def test_manifest_is_oca_style(addon):
    data = manifest(addon)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"])
    assert data["license"] == "LGPL-3"
    assert data["author"] == "Retail CRM for Odoo"
    assert set(data["depends"]) == DEPENDS[addon.name]
    for key in ("data", "demo"):
        for path in data.get(key, []):
            assert (addon / path).exists(), f"{addon.name}: {key} file {path} is missing"


@pytest.mark.parametrize("addon", ADDONS, ids=lambda a: a.name)
def test_addon_folders(addon):
    for sub in (
        "security/ir.model.access.csv",
        "tests/__init__.py",
        "readme/DESCRIPTION.md",
        "readme/USAGE.md",
        "readme/CONFIGURE.md",
        "README.rst",
        f"i18n/{addon.name}.pot",
        "i18n/zh_TW.po",
    ):
        assert (addon / sub).exists(), f"{addon.name}/{sub}"
    assert not (addon / "i18n/zh.po").exists(), "zh.po would bleed into zh_CN"
    with open(addon / "security/ir.model.access.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "id",
        "name",
        "model_id:id",
        "group_id:id",
        "perm_read",
        "perm_write",
        "perm_create",
        "perm_unlink",
    ]


@pytest.mark.parametrize("addon", ADDONS, ids=lambda a: a.name)
def test_translations_complete(addon):
    pot = polib.pofile(str(addon / "i18n" / f"{addon.name}.pot"))
    po = polib.pofile(str(addon / "i18n" / "zh_TW.po"))
    assert po.metadata.get("Language") == "zh_TW"
    assert pot.metadata, "a template exported from a database"
    missing = {e.msgid for e in pot} - {e.msgid for e in po.translated_entries()}
    assert not missing, f"untranslated in zh_TW.po: {sorted(missing)[:10]}"
    assert not po.fuzzy_entries()
    for entry in po.translated_entries():
        # placeholders survive translation
        assert set(re.findall(r"%\(\w+\)s|%s|%d", entry.msgid)) == set(
            re.findall(r"%\(\w+\)s|%s|%d", entry.msgstr)
        ), entry.msgid


def test_gitignore_keeps_odoo_out():
    tracked = [p for p in ROOT.rglob("release.py") if "node_modules" not in p.parts]
    assert not tracked, "Odoo's source is not part of this repository"
