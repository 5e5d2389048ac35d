"""Kept only for the old migrations, which name `children.storage.ProtectedStorage`.

Use `accounts.uploads` (`ProtectedFileField`, `protected_storage`) everywhere else.
"""

from accounts.uploads import ProtectedStorage, protected_storage

__all__ = ["ProtectedStorage", "protected_storage"]
