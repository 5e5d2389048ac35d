"""The zh_Hans catalog is complete: no empty and no fuzzy entry (docs/style.md §8)."""

import subprocess
from pathlib import Path

import polib
from django.conf import settings

CATALOG = Path(settings.BASE_DIR) / "config" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def live_entries(path) -> list[polib.POEntry]:
    """The entries of a catalog or template, the header and obsolete (#~) entries left out."""
    return [entry for entry in polib.pofile(str(path), wrapwidth=0) if not entry.obsolete]


def untranslated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def test_catalog_has_no_empty_or_fuzzy_entry():
    catalog = polib.pofile(str(CATALOG), wrapwidth=0)
    entries = live_entries(CATALOG)
    assert len(entries) > 50
    assert catalog.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    if catalog.metadata_is_fuzzy:
        fuzzy.insert(0, "(header)")
    empty = [entry.msgid for entry in entries if untranslated(entry)]
    assert fuzzy == [], f"fuzzy entries: {fuzzy[:10]}"
    assert empty == [], f"untranslated entries: {empty[:10]}"


def test_catalog_compiles_cleanly():
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(CATALOG)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_msgid_in_the_code_is_in_the_catalog(tmp_path):
    """makemessages into a scratch copy finds nothing new: the catalog is in step with the code."""
    scratch = tmp_path / "django.po"
    scratch.write_text(CATALOG.read_text(encoding="utf-8"), encoding="utf-8")
    before = {(entry.msgctxt, entry.msgid) for entry in live_entries(scratch)}
    pot = tmp_path / "new.pot"
    files = [str(p) for ext in ("py", "html", "txt") for p in Path(settings.BASE_DIR).rglob(f"*.{ext}")
             if ".venv" not in p.parts and "var" not in p.parts and "node_modules" not in p.parts]
    # xgettext directly on Python files; templates are covered by makemessages in `make messages`.
    py_files = [f for f in files if f.endswith(".py") and "/tests/" not in f and "/migrations/" not in f]
    subprocess.run(["xgettext", "-L", "Python", "--from-code=UTF-8", "-k_", "-kgettext", "-kgettext_lazy",
                    "-kpgettext:1c,2", "-kpgettext_lazy:1c,2", "-kngettext:1,2", "-kngettext_lazy:1,2",
                    "-o", str(pot), *py_files], check=True)
    found = {(entry.msgctxt, entry.msgid) for entry in live_entries(pot)}
    missing = sorted(found - before, key=lambda key: (key[0] or "", key[1]))
    assert missing == [], f"msgids in code but not in the catalog (run `make messages`): {missing[:10]}"
