"""The user guide in the hand-over's tests.

Every hand-over carries the user guide as one PDF (guide/hooks.py → handover/documents.py), rendered by
guide.render.cached_pdf() into PROTECTED_MEDIA_ROOT/guide/, which is new for every test. The real guide
(docs/guide/ with its screenshots) takes 15–25 s to render (docs/benchmarks.md), so these tests point the guide at a short one —
the index and one paragraph per chapter, the same template, fonts and renderer — and only
test_guide_in_handover.py renders the real one (it overrides `guide_docs`)."""

import pytest

from guide import pages
from guide.roles import chapters


@pytest.fixture(scope="session")
def short_guide(tmp_path_factory):
    directory = tmp_path_factory.mktemp("short-guide")
    (directory / "README.md").write_text("# 用户手册（测试用）\n\n测试用的简短手册。\n", encoding="utf-8")
    for chapter in chapters():
        (directory / f"{chapter.SLUG}.md").write_text(
            f"# {chapter.TITLE}\n\n<a id=\"start\"></a>\n## 开始\n\n测试用的一段说明。\n", encoding="utf-8")
    return directory


@pytest.fixture(autouse=True)
def guide_docs(short_guide, monkeypatch):
    monkeypatch.setattr(pages, "guide_dir", lambda: short_guide)
    return short_guide
