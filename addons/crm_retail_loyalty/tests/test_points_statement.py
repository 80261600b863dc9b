# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
import shutil
import subprocess
import tempfile
import unicodedata
from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, format_date

from .common import RetailLoyaltyCase

REPORT = "crm_retail_loyalty.action_report_points_statement"
REPORT_LOGGER = "odoo.addons.base.models.ir_actions_report"

# Odoo logs whatever wkhtmltopdf writes on stderr as one WARNING. Debian's
# wkhtmltopdf is built on an unpatched Qt: it says so for each header and
# footer switch Odoo always passes (--header-html, --footer-html,
# --header-spacing: the company letterhead is left out of the PDF, the
# statement's body is complete), and Qt complains when the server runs without
# XDG_RUNTIME_DIR. Nothing else is expected; anything else (an asset that did
# not load, a network error) fails the test.
WKHTMLTOPDF_NOISE = re.compile(
    r"The switch --[\w-]+, is not support using unpatched qt, and will be ignored\."
    r"|QStandardPaths: XDG_RUNTIME_DIR not set, defaulting to '[^']*'"
)


@tagged("post_install", "-at_install")
class TestPointsStatementPdf(RetailLoyaltyCase, HttpCase):
    """The points statement as the member receives it: a PDF printed by
    wkhtmltopdf in Traditional Chinese, read back with pdftotext.

    An HttpCase: wkhtmltopdf loads the report's stylesheets from this server,
    which answers from the test's own transaction.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_TW")
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        # dates relative to today: the balance line and the expiry dates do
        # not depend on the day the suite runs
        cls.first_day = cls.today - timedelta(days=40)
        cls.second_day = cls.today - timedelta(days=10)
        cls.spend_day = cls.today - timedelta(days=5)
        card = cls.card
        cls.first_lot = card._ledger_earn(120, "開幕首購", earned_on=cls.first_day)
        cls.second_lot = card._ledger_earn(80, "週年慶加碼", earned_on=cls.second_day)
        cls.spend = card._ledger_spend(50, "折抵拿鐵")
        # create_date is PostgreSQL's transaction time (cr.now()), which neither
        # earned_on nor freezegun moves: date each row on the day it was posted
        for row, day in (
            (cls.first_lot, cls.first_day),
            (cls.second_lot, cls.second_day),
            (cls.spend, cls.spend_day),
        ):
            # 04:00 UTC is noon in Taipei: the same day in the report's time zone
            cls.env.cr.execute(
                SQL(
                    "UPDATE loyalty_history SET create_date = %s WHERE id = %s",
                    datetime.combine(day, time(4)),
                    row.id,
                )
            )
        cls.env["loyalty.history"].invalidate_model(["create_date"])

    def _pdf_tools(self):
        """pdftotext's path; fails (never skips) when a tool is missing."""
        state = self.env["ir.actions.report"].get_wkhtmltopdf_state()
        if state != "ok":
            self.fail(
                f"wkhtmltopdf is not usable by Odoo (state {state!r}): the points statement "
                "would print as HTML. Install Debian's wkhtmltopdf (see the README's "
                "requirements; .ci/run installs it)."
            )
        pdftotext = shutil.which("pdftotext")
        if not pdftotext:
            self.fail("pdftotext is missing: install Debian's poppler-utils (.ci/run does).")
        return pdftotext

    def _render_text(self, user):
        pdftotext = self._pdf_tools()
        Report = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(lang="zh_TW", force_report_rendering=True)
        )
        # Odoo logs an INFO line for every PDF it makes, so assertLogs always
        # has a record; the WARNINGs among them must be known wkhtmltopdf noise
        with self.assertLogs(REPORT_LOGGER, level="INFO") as logs:
            pdf, report_format = Report._render_qweb_pdf(REPORT, res_ids=[self.member.id])
        for record in logs.records:
            if record.levelname in ("WARNING", "ERROR", "CRITICAL"):
                rest = WKHTMLTOPDF_NOISE.sub("", record.getMessage().removeprefix("wkhtmltopdf:"))
                self.assertFalse(rest.strip(), f"wkhtmltopdf reported: {record.getMessage()}")
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"), f"not a PDF: {pdf[:80]!r}")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = subprocess.run(
                [pdftotext, "-layout", "-enc", "UTF-8", file.name, "-"],
                capture_output=True,
                check=True,
            ).stdout.decode()
        # Noto CJK draws an ideograph and its Kangxi radical (月 and ⽉, 日 and ⽇)
        # with one glyph, and wkhtmltopdf's text layer names the radical: NFKC
        # turns them back into the ideographs a reader sees
        return unicodedata.normalize("NFKC", text)

    def _date(self, day):
        return format_date(self.env, day, lang_code="zh_TW")

    @staticmethod
    def _points(value):
        """A number as the statement prints it (one or two decimals)."""
        return re.escape(f"{value:,.1f}") + "0?"

    def assertLine(self, lines, *patterns):
        """Index of the first line that matches all ``patterns`` in order."""
        regex = re.compile(r"\s+".join(f"(?:{p})" for p in patterns) + r"(?:\s|$)")
        for index, line in enumerate(lines):
            if regex.search(line):
                return index
        self.fail(f"no line matches {regex.pattern!r} in:\n" + "\n".join(lines))

    def test_statement_pdf_in_traditional_chinese(self):
        self.assertAlmostEqual(self.card.points, 150.0)
        text = self._render_text(self.cashier)
        lines = text.splitlines()

        self.assertIn("林怡君", text, "the member's name in Chinese, not boxes")
        # labels of the report that zh_TW.po translates already
        self.assertIn("點數對帳單", text)
        self.assertIn("未使用的點數批次", text)
        self.assertLine(lines, r"餘額\s*:\s*150\.00\s*點")

        # the open lots: what is left of each and when it expires, next expiry first
        first_expiry = self.first_lot.expiration_date
        second_expiry = self.second_lot.expiration_date
        self.assertEqual(first_expiry, self.first_day + timedelta(days=90))
        first = self.assertLine(
            lines,
            re.escape(self._date(self.first_day)),
            "開幕首購",
            self._points(120),
            self._points(70),
            re.escape(self._date(first_expiry)),
        )
        second = self.assertLine(
            lines,
            re.escape(self._date(self.second_day)),
            "週年慶加碼",
            self._points(80),
            self._points(80),
            re.escape(self._date(second_expiry)),
        )
        self.assertLess(first, second)

        # the history, oldest first, below its heading
        heading = next((i for i, line in enumerate(lines) if line.strip() == "紀錄"), None)
        self.assertIsNotNone(heading, "the history's heading (紀錄)")
        history = lines[heading + 1 :]
        rows = [
            self.assertLine(
                history, re.escape(self._date(self.first_day)), ".*開幕首購", self._points(120)
            ),
            self.assertLine(
                history, re.escape(self._date(self.second_day)), ".*週年慶加碼", self._points(80)
            ),
            self.assertLine(
                history, re.escape(self._date(self.spend_day)), ".*折抵拿鐵", self._points(50)
            ),
        ]
        self.assertEqual(rows, sorted(rows), "history rows in date order:\n" + "\n".join(history))
