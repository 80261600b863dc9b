# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo store and the scale data generator share this module.

``setup_store`` builds (idempotently, by XML id) a Taiwanese cafe and bakery
chain: its own company in TWD with a chart of accounts, three stores as three
POS configurations, product categories and products with TWD prices.

``generate_activity`` writes customers and a year of paid POS orders straight
into Odoo's tables with PostgreSQL ``COPY``: partners, orders, order lines and
payments, with the ids, sequences and stored computed columns Odoo expects.
It is deterministic by seed and its dates are relative to ``today``.
"""

import io
import logging
import random
import time
import uuid
from array import array
from datetime import date, datetime, timedelta

from odoo.tools import SQL

from ..models.crm_retail_customer_profile import PAID

_logger = logging.getLogger(__name__)

MODULE = "crm_retail_loyalty"

SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴徐周葉蘇莊呂江何蕭羅高"
    "潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴"
)
GIVEN = (
    "怡婷雅筑欣宜家豪志明俊宏淑芬美玲建宏冠宇宗翰承恩詩涵佳穎子晴柏翰品妤宇軒芷若思妤"
    "文華秀英國強家瑋珮瑜惠雯嘉玲偉誠靜怡心怡庭瑋書豪昱廷于婷郁婷哲瑋信宏育誠"
)

STORES = (
    # xml id suffix, name, weight of traffic
    ("xinyi", "晨光 信義店", 0.45),
    ("daan", "晨光 大安店", 0.35),
    ("banqiao", "晨光 板橋店", 0.20),
)

CATEGORIES = (
    ("coffee", "咖啡"),
    ("tea", "茶飲"),
    ("bread", "麵包"),
    ("cake", "蛋糕甜點"),
    ("meal", "輕食"),
    ("gift", "咖啡豆與禮盒"),
)

# xml id suffix, name, category, TWD price, popularity weight
PRODUCTS = (
    ("americano", "美式咖啡", "coffee", 90, 10),
    ("latte", "拿鐵", "coffee", 120, 12),
    ("cappuccino", "卡布奇諾", "coffee", 120, 6),
    ("flat_white", "澳白", "coffee", 140, 4),
    ("pour_over", "手沖單品咖啡", "coffee", 180, 3),
    ("oolong", "阿里山烏龍茶", "tea", 110, 4),
    ("black_tea", "日月潭紅茶拿鐵", "tea", 130, 4),
    ("matcha", "抹茶拿鐵", "tea", 150, 3),
    ("croissant", "可頌", "bread", 65, 8),
    ("pineapple_bun", "菠蘿麵包", "bread", 45, 6),
    ("taro_bun", "芋泥麵包", "bread", 55, 5),
    ("sourdough", "酸種鄉村麵包", "bread", 160, 2),
    ("bagel", "貝果", "bread", 60, 4),
    ("cheesecake", "重乳酪蛋糕", "cake", 130, 4),
    ("tiramisu", "提拉米蘇", "cake", 150, 3),
    ("pineapple_cake", "土鳳梨酥", "cake", 45, 4),
    ("egg_tart", "葡式蛋塔", "cake", 40, 5),
    ("sandwich", "總匯三明治", "meal", 120, 5),
    ("bagel_set", "貝果早午餐", "meal", 220, 3),
    ("pasta", "青醬義大利麵", "meal", 260, 2),
    ("beans_house", "晨光配方豆 半磅", "gift", 450, 1),
    ("beans_geisha", "巴拿馬藝伎豆 半磅", "gift", 1200, 0.3),
    ("gift_box", "鳳梨酥禮盒 12入", "gift", 580, 0.8),
    ("drip_bags", "濾掛咖啡 10入", "gift", 320, 1),
)

# name of the segment, share of customers, (first purchase days ago range),
# (last purchase days ago range), relative visits per month
SEGMENTS = (
    ("regular", 0.22, (200, 365), (0, 10), 6.0),
    ("occasional", 0.30, (120, 365), (0, 45), 1.6),
    ("lapsed", 0.18, (180, 365), (60, 120), 2.0),
    ("one_time", 0.15, (0, 365), None, 0.0),
    ("new", 0.10, (0, 45), (0, 20), 3.0),
    ("dormant", 0.05, (300, 365), (180, 290), 1.0),
)
WALK_IN_SHARE = 0.25
# weekday weights, Monday first: weekend peaks
WEEKDAY_WEIGHT = (0.85, 0.85, 0.9, 0.9, 1.1, 1.7, 1.6)


def _xmlid(env, name):
    return env.ref(f"{MODULE}.{name}", raise_if_not_found=False)


def _bind(env, name, record):
    env["ir.model.data"]._update_xmlids(
        [{"xml_id": f"{MODULE}.{name}", "record": record, "noupdate": True}]
    )
    return record


def _get_or_create(env, name, model, vals):
    record = _xmlid(env, name)
    if record:
        return record
    return _bind(env, name, env[model].create(vals))


def setup_store(env):
    """Create the demo chain's company, stores and catalogue; return a dict.

    Safe to call again: every record is found by its XML id first.
    """
    twd = env.ref("base.TWD")
    if not twd.active:
        twd.active = True
    company = _xmlid(env, "company_morning_light_demo")
    if not company:
        company = _bind(
            env,
            "company_morning_light_demo",
            # no localisation module install (it would reload the registry under
            # us) and no IAP enrichment call: the generic chart is loaded below
            env["res.company"]
            .with_context(chart_template_load=True)
            .create(
                {
                    "name": "晨光咖啡烘焙 Morning Light Café & Bakery",
                    "currency_id": twd.id,
                    "country_id": env.ref("base.tw").id,
                    "city": "台北市",
                    "street": "信義路五段 7 號",
                    "phone": "+886 2 2722 0000",
                    "email": "hello@morninglight.example.com",
                }
                | (
                    {"iap_enrich_auto_done": True}
                    if "iap_enrich_auto_done" in env["res.company"]._fields
                    else {}
                )
            ),
        )
        # _load rather than try_loading: this also runs while modules install
        env["account.chart.template"]._load("generic_coa", company, install_demo=False)
        # the generic chart sets USD; nothing is posted yet, so TWD can follow
        company.currency_id = twd
        if "member_program_id" in company._fields:  # not in a bench's plain pos_loyalty base
            company._create_member_program()
    cenv = env(context=dict(env.context, allowed_company_ids=[company.id]))
    # Odoo creates a company's warehouse on its own only in test mode
    if not env["stock.warehouse"].search_count([("company_id", "=", company.id)]):
        env["stock.warehouse"].create(
            {"name": "晨光 中央倉", "code": "MLW", "company_id": company.id}
        )
    for user in (env.ref("base.user_admin"), env.ref("base.user_root")):
        if company not in user.company_ids:
            user.sudo().write({"company_ids": [(4, company.id)]})

    categories = {}
    pos_categories = {}
    for code, label in CATEGORIES:
        categories[code] = _get_or_create(
            env,
            f"product_category_{code}_demo",
            "product.category",
            {"name": label},
        )
        pos_categories[code] = _get_or_create(
            env,
            f"pos_category_{code}_demo",
            "pos.category",
            {"name": label},
        )
    products = []
    for code, label, categ, price, weight in PRODUCTS:
        product = _get_or_create(
            cenv,
            f"product_{code}_demo",
            "product.product",
            {
                "name": label,
                "type": "consu",
                "list_price": price,
                "standard_price": round(price * 0.35),
                "categ_id": categories[categ].id,
                "pos_categ_ids": [(6, 0, pos_categories[categ].ids)],
                "available_in_pos": True,
                "taxes_id": [(5, 0, 0)],
                "company_id": company.id,
            },
        )
        products.append(
            {
                "id": product.id,
                "name": label,
                "price": float(price),
                "weight": weight,
                "categ": categ,
            }
        )

    configs = []
    pos_env = cenv["pos.config"].with_company(company)
    for code, label, weight in STORES:
        config = _xmlid(env, f"pos_config_{code}_demo")
        if not config:
            journal, payment_method_ids = pos_env._create_journal_and_payment_methods(
                cash_journal_vals={"name": f"{label} 現金", "show_on_dashboard": False}
            )
            config = _bind(
                env,
                f"pos_config_{code}_demo",
                pos_env.create(
                    {
                        "name": label,
                        "company_id": company.id,
                        "journal_id": journal.id,
                        "payment_method_ids": [(6, 0, payment_method_ids)],
                        "limit_categories": True,
                        "iface_available_categ_ids": [
                            (6, 0, [c.id for c in pos_categories.values()])
                        ],
                    }
                ),
            )
        methods = config.payment_method_ids.filtered(lambda m: not m.split_transactions)
        configs.append(
            {
                "id": config.id,
                "code": code,
                "name": config.name,
                "weight": weight,
                "pricelist_id": config.pricelist_id.id or None,
                "cash_id": methods.filtered("is_cash_count")[:1].id,
                "card_id": methods.filtered(lambda m: not m.is_cash_count)[:1].id,
            }
        )
    return {"company": company, "products": products, "configs": configs}


class _Copier:
    """Buffers rows as COPY text and flushes them in chunks."""

    def __init__(self, cr, table, columns, chunk=200_000, parent=None):
        self.cr = cr
        # rows referencing the parent's rows: the parent is flushed first
        self.parent = parent
        self.table = table
        self.columns = columns
        self.chunk = chunk
        self.buffer = io.StringIO()
        self.pending = 0
        self.count = 0
        self.seconds = 0.0

    @staticmethod
    def _fmt(value):
        if value is None:
            return "\\N"
        if value is True:
            return "t"
        if value is False:
            return "f"
        text = str(value)
        if "\t" in text or "\n" in text or "\\" in text:
            text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        return text

    def add(self, row):
        self.buffer.write("\t".join(map(self._fmt, row)))
        self.buffer.write("\n")
        self.pending += 1
        if self.pending >= self.chunk:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        if self.parent:
            self.parent.flush()
        self.buffer.seek(0)
        started = time.perf_counter()
        query = SQL(
            "COPY %s (%s) FROM STDIN",
            SQL.identifier(self.table),
            SQL(", ").join(SQL.identifier(column) for column in self.columns),
        )
        self.cr.copy_expert(query.code, self.buffer)
        self.seconds += time.perf_counter() - started
        self.count += self.pending
        self.pending = 0
        self.buffer = io.StringIO()


def _next_ids(cr, table, count):
    """Reserve ``count`` ids of ``table``'s sequence; return the first one."""
    cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table)))
    start = cr.fetchone()[0] + 1
    cr.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
        (table, start + count),
    )
    return start


def _check_foreign_keys(cr, tables):
    """Verify every foreign key of ``tables`` in one anti-join each."""
    cr.execute(
        """
        SELECT con.conrelid::regclass::text, a.attname, con.confrelid::regclass::text, fa.attname
          FROM pg_constraint con
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
          JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[1]
         WHERE con.contype = 'f' AND con.conrelid::regclass::text = ANY(%s)
           AND array_length(con.conkey, 1) = 1
        """,
        (list(tables),),
    )
    for table, column, target, target_column in cr.fetchall():
        cr.execute(
            SQL(
                """SELECT count(*) FROM %s t WHERE t.%s IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM %s r WHERE r.%s = t.%s)""",
                SQL.identifier(table),
                SQL.identifier(column),
                SQL.identifier(target),
                SQL.identifier(target_column),
                SQL.identifier(column),
            )
        )
        broken = cr.fetchone()[0]
        if broken:
            raise ValueError(f"{broken} rows of {table}.{column} point to no {target} row")


def _weighted(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def _mobile_numbers(rng, count):
    for number in rng.sample(range(900_000_000, 1_000_000_000), count):
        digits = str(number)
        yield (
            f"+886 {digits[0:3]} {digits[3:6]} {digits[6:9]}",
            f"+886{digits}",
        )


def _plan_customers(rng, customers, orders, today):
    """Decide, per customer, a segment and the span and number of visits.

    Returns a list of ``(segment, first_days_ago, last_days_ago, visits)``
    tuples (tuples, not dicts: a million of them must stay small) and the
    number of walk-in orders that fills the total up to ``orders``.
    """
    segment_names = [s[0] for s in SEGMENTS]
    segment_weights = [s[1] for s in SEGMENTS]
    segments = {s[0]: s for s in SEGMENTS}
    drafts = []
    total_rate = 0.0
    for _index in range(customers):
        name = _weighted(rng, segment_names, segment_weights)
        _n, _share, first_range, last_range, per_month = segments[name]
        first_ago = rng.randint(*first_range)
        if last_range is None:
            last_ago, rate = first_ago, 0.0
        else:
            last_ago = min(first_ago, rng.randint(*last_range))
            rate = max(per_month * (first_ago - last_ago + 1) / 30.0, 2.0)
        total_rate += rate
        drafts.append((name, first_ago, last_ago, rate))
    # scale the visit counts so the total matches what was asked for
    one_time = sum(1 for d in drafts if d[0] == "one_time")
    member_orders = max(round(orders * (1 - WALK_IN_SHARE)) - one_time, 0)
    plans = []
    assigned = 0
    for name, first_ago, last_ago, rate in drafts:
        if name == "one_time":
            visits = 1
        else:
            visits = max(2, int(rate * member_orders / (total_rate or 1.0)))
        assigned += visits
        plans.append((name, first_ago, last_ago, visits))
    return plans, max(orders - assigned, 0)


def _random_day(rng, first_ago, last_ago, today):
    while True:
        ago = rng.randint(last_ago, first_ago)
        day = today - timedelta(days=ago)
        if rng.random() * 1.7 <= WEEKDAY_WEIGHT[day.weekday()]:
            return day


def generate_activity(env, store, customers, orders, seed=42, today=None, log=None):
    """COPY ``customers`` partners and about ``orders`` paid POS orders.

    Returns a dict of counts and timings. Everything depends on ``seed`` and
    ``today`` only, so two runs with the same arguments write the same data.
    """
    log = log or _logger.info
    today = today or date.today()
    rng = random.Random(seed)
    cr = env.cr
    started = time.perf_counter()
    company = store["company"]
    company_id = company.id
    uid = env.uid
    products = store["products"]
    product_weights = [p["weight"] for p in products]
    configs = store["configs"]
    config_weights = [c["weight"] for c in configs]
    now = min(
        datetime.now().replace(microsecond=0),
        datetime.combine(today, datetime.max.time()).replace(microsecond=0),
    )

    plans, walk_in_orders = _plan_customers(rng, customers, orders, today)
    member_orders = sum(p[3] for p in plans)
    total_orders = member_orders + walk_in_orders
    # when the plan overshoots (small N), trim walk-ins first; keep every customer
    if total_orders > orders and orders >= member_orders:
        walk_in_orders = orders - member_orders
        total_orders = orders

    # one closed session per store holds the generated history
    sessions = {}
    for config in configs:
        session = env["pos.session"].create({"config_id": config["id"], "user_id": uid})
        cr.execute(
            """UPDATE pos_session SET state = 'closed', start_at = %s, stop_at = %s
               WHERE id = %s""",
            (
                datetime.combine(today - timedelta(days=366), datetime.min.time()),
                now,
                session.id,
            ),
        )
        sessions[config["id"]] = session.id
    env.invalidate_all()

    partner_cols = (
        "id",
        "name",
        "complete_name",
        "commercial_partner_id",
        "company_id",
        "type",
        "active",
        "is_company",
        "employee",
        "partner_share",
        "customer_rank",
        "supplier_rank",
        "mobile",
        "phone_sanitized",
        "email",
        "email_normalized",
        "country_id",
        "lang",
        "autopost_bills",
        "create_uid",
        "write_uid",
        "create_date",
        "write_date",
        "birthday",
    )
    # the same store without this addon installed (a baseline for benchmarks)
    with_birthday = "birthday" in env["res.partner"]._fields
    if not with_birthday:
        partner_cols = partner_cols[:-1]
    order_cols = (
        "id",
        "name",
        "pos_reference",
        "uuid",
        "session_id",
        "config_id",
        "company_id",
        "pricelist_id",
        "partner_id",
        "user_id",
        "sequence_number",
        "state",
        "date_order",
        "amount_tax",
        "amount_total",
        "amount_paid",
        "amount_return",
        "currency_rate",
        "to_invoice",
        "nb_print",
        "is_tipped",
        "tip_amount",
        "has_deleted_line",
        "create_uid",
        "write_uid",
        "create_date",
        "write_date",
    )
    line_cols = (
        "id",
        "order_id",
        "company_id",
        "product_id",
        "name",
        "full_product_name",
        "qty",
        "price_unit",
        "discount",
        "price_subtotal",
        "price_subtotal_incl",
        "price_type",
        "uuid",
        "is_total_cost_computed",
        "total_cost",
        "create_uid",
        "write_uid",
        "create_date",
        "write_date",
    )
    payment_cols = (
        "id",
        "pos_order_id",
        "payment_method_id",
        "session_id",
        "company_id",
        "amount",
        "payment_date",
        "is_change",
        "uuid",
        "name",
        "create_uid",
        "write_uid",
        "create_date",
        "write_date",
    )
    partners = _Copier(cr, "res_partner", partner_cols)
    pos_orders = _Copier(cr, "pos_order", order_cols)
    lines = _Copier(cr, "pos_order_line", line_cols, parent=pos_orders)
    payments = _Copier(cr, "pos_payment", payment_cols, parent=pos_orders)

    taiwan = env.ref("base.tw").id
    # PostgreSQL checks every foreign key of every copied row with a plan
    # cached per session; planned while the tables are still tiny (a fresh
    # database) it scans them sequentially and the load turns quadratic. Where
    # the database user may, the checks are switched off for the load and the
    # same foreign keys are verified afterwards in one set-based pass each.
    env.flush_all()
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    bulk = bool(cr.fetchone()[0]) and (customers + orders) > 20_000
    if bulk:
        cr.execute("SET LOCAL session_replication_role = replica")
    cr.execute("ANALYZE res_partner, pos_order, pos_order_line, pos_payment, pos_session")
    partner_id = _next_ids(cr, "res_partner", customers)
    order_id = _next_ids(cr, "pos_order", total_orders)
    # about 2.2 lines an order; reserve generously, the sequence is reset at the end
    line_id = _next_ids(cr, "pos_order_line", total_orders * 4)
    payment_id = _next_ids(cr, "pos_payment", total_orders)

    # orders are planned first (customer, day) into one bucket per day, then
    # written day by day so order numbers grow with the date as at the till;
    # compact arrays keep 10M planned orders in a few hundred MB
    buckets = [(array("i"), array("b")) for _day in range(367)]
    config_index = list(range(len(configs)))
    mobiles = _mobile_numbers(rng, customers)
    for index, (_segment, first_ago, last_ago, visits) in enumerate(plans):
        pid = partner_id + index
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        mobile, sanitized = next(mobiles)
        email = f"member{pid}@example.com" if rng.random() < 0.6 else None
        birthday = date(rng.randint(1955, 2006), 1, 1) + timedelta(days=rng.randint(0, 364))
        created = datetime.combine(
            today - timedelta(days=first_ago), datetime.min.time()
        ) + timedelta(hours=8)
        partners.add(
            (
                pid,
                name,
                name,
                pid,
                company_id,
                "contact",
                True,
                False,
                False,
                True,
                1,
                0,
                mobile,
                sanitized,
                email,
                email,
                taiwan,
                None,
                "ask",
                uid,
                uid,
                created,
                created,
                *((birthday,) if with_birthday else ()),
            )
        )
        home = _weighted(rng, config_index, config_weights)
        days = [first_ago]
        if visits > 1:
            days.append(last_ago)
            for _visit in range(visits - 2):
                days.append((today - _random_day(rng, first_ago, last_ago, today)).days)
        for ago in days:
            store_index = (
                home if rng.random() < 0.8 else _weighted(rng, config_index, config_weights)
            )
            buckets[ago][0].append(pid)
            buckets[ago][1].append(store_index)
    partners.flush()
    for _walk_in in range(walk_in_orders):
        ago = (today - _random_day(rng, 365, 0, today)).days
        buckets[ago][0].append(0)
        buckets[ago][1].append(_weighted(rng, config_index, config_weights))

    def planned():
        for ago in range(366, -1, -1):
            pids, stores = buckets[ago]
            for pid, store_index in zip(pids, stores):
                yield ago, pid or None, configs[store_index]
            buckets[ago] = None

    # numbering continues after any order the store already has
    per_config = {}
    for config in configs:
        cr.execute(
            "SELECT COALESCE(MAX(sequence_number), 0) FROM pos_order WHERE config_id = %s",
            (config["id"],),
        )
        per_config[config["id"]] = cr.fetchone()[0]
    line_seq = line_id
    for offset, (ago, pid, config) in enumerate(planned()):
        oid = order_id + offset
        cid = config["id"]
        per_config[cid] += 1
        number = per_config[cid]
        hour = rng.choices(
            (7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19),
            weights=(6, 10, 8, 6, 7, 9, 8, 6, 7, 6, 5, 4, 3),
        )[0]
        when = datetime.combine(today - timedelta(days=ago), datetime.min.time()) + timedelta(
            hours=hour - 8, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
        )  # stored in UTC: Taipei is UTC+8
        if when > now:
            when = now - timedelta(minutes=rng.randint(1, 600))
        total = 0.0
        order_lines = []
        for _line in range(rng.choices((1, 2, 3, 4), weights=(35, 40, 18, 7))[0]):
            product = rng.choices(products, weights=product_weights)[0]
            qty = 1 if rng.random() < 0.8 else 2
            subtotal = product["price"] * qty
            total += subtotal
            order_lines.append(
                (
                    line_seq,
                    oid,
                    company_id,
                    product["id"],
                    f"{config['code'].upper()}/{number:07d}",
                    product["name"],
                    qty,
                    product["price"],
                    0,
                    subtotal,
                    subtotal,
                    "original",
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    True,
                    0.35 * subtotal,
                    uid,
                    uid,
                    when,
                    when,
                )
            )
            line_seq += 1
        reference = f"Order {cid:05d}-{sessions[cid]:03d}-{number:06d}"
        pos_orders.add(
            (
                oid,
                f"{config['name']}/{number:06d}",
                reference,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                sessions[cid],
                cid,
                company_id,
                config["pricelist_id"],
                pid,
                uid,
                number,
                "done",
                when,
                0,
                total,
                total,
                0,
                1,
                False,
                1,
                False,
                0,
                False,
                uid,
                uid,
                when,
                when,
            )
        )
        for row in order_lines:
            lines.add(row)
        method = config["cash_id"] if rng.random() < 0.45 else config["card_id"]
        payments.add(
            (
                payment_id + offset,
                oid,
                method,
                sessions[cid],
                company_id,
                total,
                when,
                False,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                None,
                uid,
                uid,
                when,
                when,
            )
        )
    for copier in (pos_orders, lines, payments):
        copier.flush()
    if bulk:
        cr.execute("SET LOCAL session_replication_role = origin")
        _check_foreign_keys(cr, ("res_partner", "pos_order", "pos_order_line", "pos_payment"))
    # leave every sequence just past what was written
    for table in ("res_partner", "pos_order", "pos_order_line", "pos_payment"):
        cr.execute(
            SQL(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM %s))",
                table,
                SQL.identifier(table),
            )
        )
    for config in configs:
        env["pos.config"].browse(config["id"]).sequence_id.sudo().number_next = (
            per_config[config["id"]] + 1
        )
    env.invalidate_all()
    elapsed = time.perf_counter() - started
    rows = partners.count + pos_orders.count + lines.count + payments.count
    figures = {
        "customers": partners.count,
        "orders": pos_orders.count,
        "lines": lines.count,
        "payments": payments.count,
        "partner_ids": list(range(partner_id, partner_id + partners.count)),
        "session_ids": list(sessions.values()),
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rows / elapsed) if elapsed else rows,
    }
    log(
        "generated %(customers)s customers, %(orders)s orders, %(lines)s lines, "
        "%(payments)s payments in %(seconds)ss (%(rows_per_second)s rows/s)" % figures
    )
    return figures


def enrol_demo_members(env, store, share=0.6, seed=2026, today=None):
    """Demo: most customers who bought at the tills are members.

    Each joined at the store of their first purchase on that day, gave some
    consents there, earned a lot of points on every order of the last 180
    days (the programme's rules, each lot valid as the programme says) and
    had what was due expired by the nightly cron; tiers follow from their
    orders. Everything goes through the ledger, so the invariant holds.
    """
    today = today or date.today()
    rng = random.Random(seed)
    company = store["company"]
    cr = env.cr
    env.flush_all()
    cr.execute(
        SQL(
            """
            SELECT p.id, MIN(o.date_order),
                   (array_agg(o.config_id ORDER BY o.date_order))[1]
              FROM res_partner p
              JOIN pos_order o ON o.partner_id = p.id AND o.state IN %s
             WHERE p.company_id = %s AND p.mobile IS NOT NULL
             GROUP BY p.id ORDER BY p.id
            """,
            PAID,
            company.id,
        )
    )
    chosen = [row for row in cr.fetchall() if rng.random() < share]
    Partner = env["res.partner"].with_company(company)
    Config = env["pos.config"]
    for partner_id, first, config_id in chosen:
        partner = Partner.browse(partner_id)
        partner.action_member_enroll(channel="pos", pos_config=Config.browse(config_id))
        joined = first.replace(microsecond=0)
        partner.sudo().write(
            {
                "member_since": joined.date(),
                "consent_sms": rng.random() < 0.7,
                "consent_sms_date": joined,
                "consent_email": bool(partner.email) and rng.random() < 0.5,
                "consent_email_date": joined,
                "consent_line": rng.random() < 0.4,
                "consent_line_date": joined,
                "consent_sms_source": "pos",
                "consent_email_source": "pos",
                "consent_line_source": "pos",
            }
        )
        if partner.consent_line:
            partner.line_user_id = f"U{uuid.UUID(int=rng.getrandbits(128)).hex}"
    members = Partner.browse([row[0] for row in chosen])
    since = datetime.combine(today - timedelta(days=180), datetime.min.time())
    orders = env["pos.order"].search(
        [
            ("partner_id", "in", members.ids),
            ("state", "in", PAID),
            ("date_order", ">=", since),
        ],
        order="date_order, id",
    )
    for order in orders:
        order._loyalty_ledger_post()  # as the till posts an order when it is paid
    while env["loyalty.card"]._expire_points_chunk(5000, today=today)[1]:
        pass
    members._member_tier_evaluate()
    return members


def smoke_check(env):
    """Open the screens a user would: customer list and form, POS order list.

    Reads them the way the web client does (views, then ``web_search_read``
    and ``web_read`` with the view's fields), so a column left inconsistent by
    the generator fails here rather than in front of a user.
    """
    opened = {}
    for model, view_types in (
        ("res.partner", ("list", "form", "search")),
        ("pos.order", ("list", "form", "search")),
    ):
        views = env[model].get_views([(False, v) for v in view_types])
        list_fields = views["views"]["list"]["arch"]
        spec = {
            name: {}
            for name, field in env[model]._fields.items()
            if f'name="{name}"' in list_fields and field.type not in ("one2many", "many2many")
        }
        page = env[model].web_search_read([], spec, limit=80, order="id desc")
        assert page["length"] > 0, f"no {model} rows to show"
        form = views["views"]["form"]["arch"]
        form_spec = {
            name: {}
            for name, field in env[model]._fields.items()
            if f'name="{name}"' in form
            and field.type not in ("one2many", "many2many", "properties")
        }
        record = env[model].browse(page["records"][0]["id"])
        record.web_read(form_spec)
        opened[model] = page["length"]
    return opened


def load_demo_store(env, customers=300, orders=4000, seed=2026):
    """Demo data: the Morning Light chain with a year of customers and orders."""
    if _xmlid(env, "company_morning_light_demo"):
        return
    store = setup_store(env)
    generate_activity(env, store, customers, orders, seed=seed)
    _demo_tier_ladder(env, store["company"])
    enrol_demo_members(env, store, seed=seed)
    # the administrator lands on the demo chain when logging in
    env.ref("base.user_admin").write({"company_id": store["company"].id})


def _demo_tier_ladder(env, company):
    """A believable ladder for the demo's customers: VIP from the 3rd purchase
    as the seeds say, Gold for about the top tenth by spend over the year
    (20,000 TWD would be a hundred café visits: nobody would be Gold)."""
    env.cr.execute(
        """SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY spent)
             FROM (SELECT partner_id, SUM(amount_total) AS spent FROM pos_order
                    WHERE company_id = %s AND state IN %s AND partner_id IS NOT NULL
                      AND date_order >= now() - interval '365 days'
                    GROUP BY partner_id) t""",
        (company.id, PAID),
    )
    top = env.cr.fetchone()[0]
    if not top:
        return
    amount = max(round(float(top), -3), 1000.0)
    gold = (
        env["crm.retail.tier"]
        .sudo()
        .search([("company_id", "=", company.id), ("sequence", "=", 30)], limit=1)
    )
    if not gold:
        return
    gold.min_amount = amount
    english = env(context=dict(env.context, lang="en_US"))
    gold.with_context(lang="en_US").benefits = english._(
        "%(amount)s spent in a year: double points.", amount=f"{amount:,.0f}"
    )
    for lang, _name in env["res.lang"].get_installed():
        if lang != "en_US":
            tr = env(context=dict(env.context, lang=lang))
            gold.update_field_translations(
                "benefits",
                {lang: tr._("%(amount)s spent in a year: double points.", amount=f"{amount:,.0f}")},
            )
