# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.osv import expression
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.base.models.res_users import name_selection_groups

from .common import RetailLoyaltyCase


@tagged("post_install", "-at_install")
class TestBackOffice(RetailLoyaltyCase):
    """What a shop owner sees in the web client on the first day."""

    def example_rules(self, company):
        return (
            self.env["crm.retail.tag.rule"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
        )

    def arch(self, model, view, view_type):
        view_id = self.env.ref(view).id if isinstance(view, str) else view
        result = self.env[model].get_views([(view_id, view_type)])
        return etree.fromstring(result["views"][view_type]["arch"])

    # ------------------------------------------------------------------
    # example tag rules
    # ------------------------------------------------------------------
    def test_example_rules_for_every_company(self):
        Rule = self.env["crm.retail.tag.rule"]
        examples = Rule._example_rule_values()
        # the store's company (created after the install) has its own
        rules = self.example_rules(self.company)
        self.assertEqual(len(rules), len(examples), "the store's owner sees the examples")
        self.assertFalse(any(rules.mapped("active")), "shipped inactive")
        # a company created later too, each rule with a tag of its own
        cafe = self.env["res.company"].create({"name": "巷口咖啡"})
        rules = self.example_rules(cafe)
        self.assertEqual(sorted(rules.mapped("name")), sorted(v["name"] for v in examples.values()))
        self.assertFalse(any(rules.mapped("active")))
        self.assertEqual(len(rules.tag_id), len(rules), "one tag per rule")
        self.assertFalse(rules.tag_id & self.example_rules(self.company).tag_id)
        high_value = rules.filtered(lambda r: r.min_past_amount == 5000)
        self.assertEqual(
            (high_value.kind, high_value.days, high_value.min_past_orders), ("recency", 90, 5)
        )
        for rule in rules:
            rule._matching_ids()  # valid SQL for a company without orders
        # the café's owner sees them in the rule list
        owner = self.env["res.users"].create(
            {
                "name": "Café owner",
                "login": "cafe_owner",
                "company_id": cafe.id,
                "company_ids": [(6, 0, cafe.ids)],
                "groups_id": [
                    (4, self.env.ref("crm_retail_loyalty.crm_retail_loyalty_group_manager").id)
                ],
            }
        )
        visible = (
            Rule.with_user(owner)
            .with_context(allowed_company_ids=cafe.ids, active_test=False)
            .search([])
        )
        self.assertEqual(visible, rules)
        # once: a company that has rules gets no second set
        self.assertFalse(Rule._create_example_rules(cafe | self.company))
        self.assertEqual(len(self.example_rules(cafe)), len(examples))

    def test_example_rules_are_the_shipped_ones_in_every_language(self):
        Rule = self.env["crm.retail.tag.rule"]
        # the main company's copies (XML, kept for upgrades) define the same rules
        for xmlid, values in Rule._example_rule_values().items():
            shipped = self.env.ref(f"crm_retail_loyalty.{xmlid}").with_context(lang="en_US")
            for field, value in values.items():
                self.assertEqual(shipped[field], value, f"{xmlid}.{field}")
        # names (and tags) in each installed language
        self.env["res.lang"]._activate_lang("zh_TW")
        shop = self.env["res.company"].create({"name": "小書店"})
        rule = self.example_rules(shop).filtered(lambda r: r.sequence == 10)
        self.assertEqual(rule.with_context(lang="en_US").name, "No purchase in 60 days")
        self.assertEqual(rule.with_context(lang="zh_TW").name, "60 天未消費")
        self.assertEqual(rule.tag_id.with_context(lang="zh_TW").name, "60 天未消費")

    # ------------------------------------------------------------------
    # Apply Now and the preview
    # ------------------------------------------------------------------
    def test_apply_now_says_who_entered_and_left(self):
        second = self._make_member("陳志明", "0912 000 222")
        rule = self.env["crm.retail.tag.rule"].create(
            {
                "name": "Regulars",
                "kind": "domain",
                "domain": f"[('id', 'in', {[self.member.id, second.id]})]",
                "active": True,
            }
        )
        action = rule.with_user(self.manager).action_apply()
        self.assertEqual(action["type"], "ir.actions.client")
        self.assertEqual(action["tag"], "display_notification")
        params = action["params"]
        self.assertEqual(params["title"], "Regulars")
        self.assertIn("Entered: 2, left: 0.", params["message"])
        self.assertIn("now marks 2 customer(s)", params["message"])
        self.assertEqual(params["next"]["tag"], "soft_reload", "the form shows the new entries")
        rule.domain = f"[('id', '=', {self.member.id})]"
        params = rule.with_user(self.manager).action_apply()["params"]
        self.assertIn("Entered: 0, left: 1.", params["message"])
        self.assertIn("now marks 1 customer(s)", params["message"])
        params = rule.with_user(self.manager).action_apply()["params"]
        self.assertIn("Entered: 0, left: 0.", params["message"])
        self.assertEqual(len(rule.history_ids), 3)

    def test_preview_shows_mobile_tier_and_last_purchase(self):
        rule = self.env["crm.retail.tag.rule"].create(
            {"name": "Everyone", "kind": "domain", "domain": "[]"}
        )
        action = rule.action_preview()
        self.assertIn(self.member.id, action["domain"][0][2])
        list_view = {kind: view for view, kind in action["views"]}["list"]
        arch = self.arch("res.partner", list_view, "list")
        for name in ("mobile", "member_tier_id", "profile_last_purchase_date"):
            (node,) = arch.xpath(f"//field[@name='{name}']")
            self.assertNotEqual(node.get("optional"), "hide", name)
            self.assertFalse(node.get("column_invisible"), name)

    # ------------------------------------------------------------------
    # contacts: filters, search, columns
    # ------------------------------------------------------------------
    def filter_groups(self, search_arch):
        """The filters as the web client groups them: a separator (or a
        field, or a group) ends a group."""
        groups, current = [], []
        for node in search_arch:
            if node.tag == "filter":
                current.append(node)
                continue
            if current:
                groups.append(current)
            current = []
        if current:
            groups.append(current)
        return groups

    def test_member_filters_combine_with_and(self):
        action = self.env.ref("crm_retail_loyalty.res_partner_action_members")
        arch = self.arch("res.partner", action.search_view_id.id, "search")
        groups = self.filter_groups(arch)
        group_of = {node.get("name"): index for index, nodes in enumerate(groups) for node in nodes}
        self.assertNotEqual(group_of["members"], group_of["points_expiring_30"])
        self.assertNotEqual(group_of["points_expiring_30"], group_of["joined_this_month"])
        self.assertNotEqual(group_of["members"], group_of["joined_this_month"])

        def domain(*names):
            # OR inside a group, AND between groups, as the search bar does
            eval_context = {
                "context_today": lambda: fields.Date.context_today(self.env.user),
                "relativedelta": relativedelta,
            }
            return expression.AND(
                [
                    expression.OR(
                        [
                            safe_eval(node.get("domain"), eval_context)
                            for node in nodes
                            if node.get("name") in names
                        ]
                    )
                    for nodes in groups
                    if any(node.get("name") in names for node in nodes)
                ]
            )

        no_points = self._make_member("陳志明", "0912 000 222")
        self.pay([(self.beans, 1)])  # 45 points, 90 days
        lot = self.rows(kind="earn")
        with freeze_time(lot.expiration_date - relativedelta(days=10)):
            both = self.env["res.partner"].search(domain("members", "points_expiring_30"))
            self.assertIn(self.member, both)
            self.assertNotIn(no_points, both, "members AND points expiring, not OR")

    def test_members_search_finds_a_number_typed_and_enter(self):
        action = self.env.ref("crm_retail_loyalty.res_partner_action_members")
        arch = self.arch("res.partner", action.search_view_id.id, "search")
        first = arch.xpath("//field")[0]  # what Enter searches
        self.assertIn("member_search", first.get("filter_domain") or first.get("name"))
        Partner = self.env["res.partner"]

        def enter(text):
            if not first.get("filter_domain"):
                return Partner.search([(first.get("name"), "ilike", text)])
            return Partner.search(safe_eval(first.get("filter_domain"), {"self": text}))

        self.assertIn(self.member, enter("0912000111"))
        self.assertIn(self.member, enter("0912-000-111"))
        self.assertIn(self.member, enter(self.card.code))
        self.assertIn(self.member, enter("林怡君"), "a name still finds by name")
        # the contacts keep Odoo's own search view
        self.assertEqual(
            self.env["ir.ui.view"].default_view("res.partner", "search"),
            self.env.ref("base.view_res_partner_filter").id,
        )

    def test_contacts_list_and_member_form(self):
        contacts = self.arch("res.partner", "base.view_partner_tree", "list")
        (mobile,) = contacts.xpath("//field[@name='mobile']")
        self.assertEqual(mobile.get("optional"), "show")
        members = self.arch("res.partner", "crm_retail_loyalty.res_partner_view_list", "list")
        for node in members.xpath("//field"):
            if self.env["res.partner"]._fields[node.get("name")].type in ("date", "datetime"):
                self.assertTrue(node.get("width"), f"{node.get('name')} has a width")
        form = self.arch("res.partner", "base.view_partner_form", "form")
        for channel in ("email", "sms", "line"):
            for suffix in ("date", "source"):
                (node,) = form.xpath(f"//field[@name='consent_{channel}_{suffix}']")
                self.assertIn(f"not consent_{channel} ", node.get("invisible") + " ")

    # ------------------------------------------------------------------
    # tier settings
    # ------------------------------------------------------------------
    def test_tier_settings_write_the_company(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.company_id, self.company)
        self.assertEqual(
            settings.crm_retail_tier_qualification_days, self.company.tier_qualification_days
        )
        settings.write(
            {
                "crm_retail_tier_qualification_days": 180,
                "crm_retail_tier_grace_days": 14,
                "crm_retail_tier_downgrade_mode": "direct",
            }
        )
        settings.execute()
        self.assertEqual(self.company.tier_qualification_days, 180)
        self.assertEqual(self.company.tier_grace_days, 14)
        self.assertEqual(self.company.tier_downgrade_mode, "direct")
        # in the Point of Sale settings, with a way there from the tier list
        form = self.arch(
            "res.config.settings", "point_of_sale.res_config_settings_view_form", "form"
        )
        for name in (
            "crm_retail_tier_qualification_days",
            "crm_retail_tier_grace_days",
            "crm_retail_tier_downgrade_mode",
        ):
            (node,) = form.xpath(f"//app[@name='point_of_sale']//field[@name='{name}']")
            self.assertTrue(node.xpath("ancestor::setting[@help]"), f"{name} has help text")
        tiers = self.arch("crm.retail.tier", "crm_retail_loyalty.crm_retail_tier_view_list", "list")
        settings_action = self.env.ref("point_of_sale.action_pos_configuration")
        self.assertTrue(tiers.xpath(f"//header/button[@name='{settings_action.id}']"))

    # ------------------------------------------------------------------
    # access rights
    # ------------------------------------------------------------------
    def test_retail_groups_on_the_user_form_outside_debug_mode(self):
        chains = [
            (
                "crm_retail_loyalty.crm_retail_loyalty_group_user",
                "crm_retail_loyalty.crm_retail_loyalty_group_manager",
            )
        ]
        if self.env.ref("crm_retail_campaigns.crm_retail_campaigns_group_user", False):
            chains.append(
                (
                    "crm_retail_campaigns.crm_retail_campaigns_group_user",
                    "crm_retail_campaigns.crm_retail_campaigns_group_manager",
                )
            )
        self.env["res.groups"]._update_user_groups_view()
        admin = self.env.ref("base.user_admin")
        # no request, so no debug mode: base.group_no_one does not count
        arch = etree.fromstring(
            self.env["res.users"]
            .with_user(admin)
            .get_views([(self.env.ref("base.view_users_form").id, "form")])["views"]["form"]["arch"]
        )
        for chain in chains:
            groups = self.env["res.groups"].browse([self.env.ref(x).id for x in chain])
            name = name_selection_groups(groups.ids)
            nodes = arch.xpath(f"//field[@name='{name}']")
            self.assertTrue(nodes, f"{groups.category_id.name}: a selection on the user form")
            self.assertFalse(
                [node for node in nodes if node.get("invisible") in ("1", "True", "true")],
                "shown, not only kept for the defaults",
            )
