#!/usr/bin/env python3
# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Write each addon's README.rst from its readme/ fragments (oca-gen-addon-readme style).

python3 tools/readme_gen.py           # write
python3 tools/readme_gen.py --check   # fail if a README.rst is stale
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = (("DESCRIPTION.md", None), ("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage"))


def render(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))
    title = manifest["name"]
    out = ["=" * len(title), title, "=" * len(title), "", f"**{manifest['summary']}**", ""]
    out += [f"Version {manifest['version']}, license {manifest['license']}.", ""]
    for filename, heading in SECTIONS:
        text = (addon / "readme" / filename).read_text(encoding="utf-8").strip()
        if heading:
            out += [heading, "-" * len(heading), ""]
        out += [text.replace("`", "``").replace("````", "``"), ""]
    out += ["Credits", "-------", "", f"Authors: {manifest['author']}", ""]
    return "\n".join(out)


def main():
    stale = []
    for manifest in sorted(ROOT.glob("addons/*/__manifest__.py")):
        addon = manifest.parent
        text = render(addon)
        target = addon / "README.rst"
        if "--check" in sys.argv:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(text, encoding="utf-8")
    if stale:
        sys.exit("stale README.rst (run python3 tools/readme_gen.py): " + ", ".join(stale))


if __name__ == "__main__":
    main()
