import re
import shutil

import pytest

from guide import pages

ANCHOR = re.compile(r'<a id="([a-z0-9-]+)"></a>')


@pytest.fixture
def guide_copy(tmp_path, monkeypatch):
    """docs/guide/ copied to a temporary directory that the guide's pages and PDF read instead: a test may
    change a chapter (or write one) without touching the repository's."""
    copy = tmp_path / "guide"
    shutil.copytree(pages.guide_dir(), copy)
    monkeypatch.setattr(pages, "guide_dir", lambda: copy)
    return copy


def help_entry(monkeypatch, chapter, view_name) -> str:
    """The anchor the chapter's HELP gives `view_name`; when the chapter's writer has not listed that page
    yet, the chapter's last section is put there for the test (further down the page: the browser must scroll)."""
    if view_name not in chapter.HELP:
        anchors = ANCHOR.findall(pages.read(chapter.SLUG))
        monkeypatch.setitem(chapter.HELP, view_name, anchors[-1])
    return chapter.HELP[view_name]
