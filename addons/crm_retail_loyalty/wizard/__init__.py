from . import loyalty_card_update_balance
from . import base_partner_merge
from . import crm_retail_tier_override
