"""Documents a higher app puts at the top level of the hand-over: the user guide as one PDF (用户手册.pdf,
registered in guide/hooks.py). `handover` is the app that reads every other app, but the guide sits above it
(docs/architecture.md), so it offers this registry instead of importing the guide.

A document holds no personal data: it is copied unencrypted even into an encrypted hand-over, so whoever
receives the package can read how to use the system before the passphrase arrives. It is included whether or
not the per-record PDFs are (`--no-pdfs`): one file, and its producer may keep it rendered (the guide's is the
PDF the /help/ page serves, rendered once for each state of docs/guide/). A document that cannot be produced
does not stop the export: the manifest's `documents` records the problem, the README says so.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from accounts.registry import Registry


@dataclass(frozen=True)
class Document:
    name: str  # its file name at the top of the hand-over
    description: str  # one line of the Chinese README: what it is
    path: Callable[[], Path]  # the file to copy (made now if need be); raises when it cannot be made


documents = Registry("hand-over documents")


def register(document: Document, *, order: int | None = None) -> None:
    documents.register(document, order=order)
