#!/usr/bin/env python3
# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Uninstall the three addons from a database and check nothing of them is left.

Used by `./run install-check` after an install without demo data.
"""

import argparse
import sys

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--modules", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        [
            "-c",
            args.config,
            f"--addons-path={args.addons_path}",
            f"--data-dir={args.data_dir}",
            f"-d{args.database}",
            "--log-level=warn",
        ]
    )
    names = args.modules.split(",")
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        modules = env["ir.module.module"].search([("name", "in", names)])
        states = set(modules.mapped("state"))
        if len(modules) != len(names) or states != {"installed"}:
            sys.exit(f"install-check: expected {names} installed, found {states}")
        modules.button_immediate_uninstall()
    registry = Registry(args.database)
    problems = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        left = env["ir.module.module"].search(
            [("name", "in", names), ("state", "!=", "uninstalled")]
        )
        if left:
            problems.append(f"still installed: {left.mapped('name')}")
        cr.execute(
            "SELECT module, count(*) FROM ir_model_data WHERE module = ANY(%s) GROUP BY module",
            (names,),
        )
        problems += [f"{count} XML ids of {module} left" for module, count in cr.fetchall()]
        cr.execute(
            "SELECT name FROM ir_model_fields WHERE model = 'res.partner' AND name = 'birthday'"
        )
        if cr.fetchone():
            problems.append("res.partner.birthday field left")
        cr.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'crm_retail%'"
        )
        problems += [f"table {name} left" for (name,) in cr.fetchall()]
        # Odoo's own modules we build on stay as they were
        base = env["ir.module.module"].search(
            [("name", "in", ["pos_loyalty", "sale_loyalty", "mass_mailing"])]
        )
        if set(base.mapped("state")) != {"installed"}:
            problems.append("an Odoo dependency was uninstalled with us")
    if problems:
        sys.exit("install-check: " + "; ".join(problems))
    print(f"install-check: {', '.join(names)} uninstalled cleanly")


if __name__ == "__main__":
    main()
