"""开放共享 models: the service catalogue (catalogue.py) and service requests with vouchers (requests.py)."""

from .catalogue import *  # noqa: F401,F403
from .requests import *  # noqa: F401,F403
