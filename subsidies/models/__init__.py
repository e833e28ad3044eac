"""奖补 models: the ledger (append-only money rows), construction support (建设支持) with its two-year window,
operating rewards (运行奖补) and recoveries (追回). One module per record family; see docs/subsidies.md."""

from .construction import *  # noqa: F401,F403
from .ledger import *  # noqa: F401,F403
from .recovery import *  # noqa: F401,F403
from .rewards import *  # noqa: F401,F403
