"""Files that must never be served as static media (evidence of a category, a child's photo).

They live under PROTECTED_MEDIA_ROOT and are handed out only by views that check visibility.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class ProtectedStorage(FileSystemStorage):
    """FileSystemStorage rooted at PROTECTED_MEDIA_ROOT, read when used (tests may override it)."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PROTECTED_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Protected files have no public URL; serve them through a permission-checked view.")

    def deconstruct(self):
        return ("children.storage.ProtectedStorage", [], {})


protected_storage = ProtectedStorage()
