from . import store_data
