"""奖补: ledger (see subsidies/models/__init__.py)."""

__all__: list[str] = []
