from . import test_store_data
