"""The guide cannot drift from the pages: its images are the ones `make guide` takes, its 帮助 anchors exist."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import get_resolver

from accounts.policy import Role
from guide.roles import chapters
from guide.runner import CHROMIUM, referenced_images

GUIDE = Path(settings.BASE_DIR) / "docs" / "guide"


def anchors(text):
    return set(re.findall(r'<a id="([a-z0-9-]+)"></a>', text))


def url_names():
    names = set()

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                ns = pattern.namespace
                walk(pattern, f"{prefix}{ns}:" if ns else prefix)
            elif pattern.name:
                names.add(prefix + pattern.name)

    walk(get_resolver(), "")
    return names


@pytest.mark.parametrize("chapter", chapters(), ids=lambda chapter: chapter.SLUG)
def test_every_help_anchor_is_a_section_of_its_chapter_and_every_page_is_a_real_url(chapter):
    text = (GUIDE / f"{chapter.SLUG}.md").read_text()
    assert set(chapter.HELP.values()) <= anchors(text)
    known = url_names()
    unknown = [name for name in chapter.HELP if name not in known]
    assert not unknown, f"HELP names pages that do not exist: {unknown}"


@pytest.mark.parametrize("chapter", chapters(), ids=lambda chapter: chapter.SLUG)
def test_every_image_a_chapter_shows_is_in_the_repository(chapter):
    shown = referenced_images((GUIDE / f"{chapter.SLUG}.md").read_text())
    assert shown, f"{chapter.SLUG}.md shows no screenshot"
    missing = [name for name in shown if not (GUIDE / "images" / f"{name}.png").exists()]
    assert not missing, f"run `make guide`: missing {missing}"


def test_every_role_has_a_chapter_and_the_index_links_each():
    index = (GUIDE / "README.md").read_text()
    covered = {role for chapter in chapters() for role in chapter.ROLES}
    assert covered == set(Role.values)
    for chapter in chapters():
        assert f"({chapter.SLUG}.md)" in index


@pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing")
def test_make_guide_takes_every_image_the_chapters_show(tmp_path):
    """The real command, on its own throwaway SQLite site: it fails (non-zero) when a chapter shows an image
    its shots no longer take, and what it takes is exactly what the chapters show (no orphan image)."""
    if connection.vendor != "sqlite":
        pytest.skip("make guide builds its own SQLite demo site; once per CI run is enough (the SQLite leg)")
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    done = subprocess.run([sys.executable, "manage.py", "make_guide", "--images", str(tmp_path)],
                          cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    taken = {path.stem for path in tmp_path.glob("*.png")}
    shown = set()
    for chapter in chapters():
        shown |= referenced_images((GUIDE / f"{chapter.SLUG}.md").read_text())
    assert taken == shown, f"taken but not shown: {sorted(taken - shown)}; shown but not taken: {sorted(shown - taken)}"
