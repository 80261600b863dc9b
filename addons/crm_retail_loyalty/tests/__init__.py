from . import test_concurrency
from . import test_ledger
from . import test_members
from . import test_pos_flow
from . import test_pos_tours
from . import test_sale
from . import test_store_data
from . import test_tiers
