"""Ordered registries that higher apps fill and lower apps read, so a lower app never imports a higher one.

Home cards, banners, the child timeline and the navigation are each one `Registry`. Every app
fills them in its `hooks.py`, from a `register()` function that its `AppConfig.ready()` calls —
never at import time, so importing a module twice registers nothing twice. Tests that need an
empty or different registry use `with registry.replaced(): ...` instead of touching its list.
"""

from contextlib import contextmanager


class RegistryError(Exception):
    pass


class Registry:
    def __init__(self, name: str):
        self.name = name
        self._entries: list[tuple[int, object]] = []

    def register(self, item, *, order: int | None = None) -> None:
        """Add an item at a position (default: after the last); the same item twice is ignored, two
        items at one position are a bug."""
        if order is None:
            order = max((taken for taken, _item in self._entries), default=0) + 1
        for taken, existing in self._entries:
            if existing == item:
                return
            if taken == order:
                raise RegistryError(f"{self.name}: position {order} is taken by {existing!r}")
        self._entries.append((order, item))
        self._entries.sort(key=lambda entry: entry[0])

    def __iter__(self):
        return iter([item for _order, item in self._entries])

    def __len__(self):
        return len(self._entries)

    @contextmanager
    def replaced(self, entries: list[tuple[int, object]] | None = None):
        """Swap in other entries (none by default) for the duration of a block."""
        saved = self._entries
        self._entries = sorted(entries or [], key=lambda entry: entry[0])
        try:
            yield self
        finally:
            self._entries = saved

    @contextmanager
    def including(self, item, *, order: int | None = None):
        """Add one item for the duration of a block (tests)."""
        with self.replaced(list(self._entries)):
            self.register(item, order=order)
            yield self
