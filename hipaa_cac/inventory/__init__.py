"""The architecture inventory, derived from evidence on every run (derive.py),
kept in the ledger, and compared with what the risk analysis covered (risk_coverage.py)."""

from hipaa_cac.inventory.derive import category_status, derive_inventory
from hipaa_cac.inventory.model import (
    CATEGORIES,
    Inventory,
    InventoryChange,
    InventoryEntry,
    changes_between,
    keys_hash,
)

__all__ = [
    "CATEGORIES",
    "Inventory",
    "InventoryChange",
    "InventoryEntry",
    "category_status",
    "changes_between",
    "derive_inventory",
    "keys_hash",
]
