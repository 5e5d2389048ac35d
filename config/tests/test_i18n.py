"""The zh_Hans catalog is complete: no empty and no fuzzy entry (STYLE.md §8)."""

import subprocess
from pathlib import Path

from django.conf import settings

CATALOG = Path(settings.BASE_DIR) / "config" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def parse_entries(text: str):
    """(flags, msgid, msgstr) for each live entry; obsolete (#~) entries are ignored."""
    entries, flags, field, parts = [], "", None, {"msgid": [], "msgstr": []}

    def flush():
        if parts["msgid"] or parts["msgstr"]:
            entries.append((flags, "".join(parts["msgid"]), "".join(parts["msgstr"])))

    for line in text.splitlines() + [""]:
        if not line.strip():
            flush()
            flags, field, parts = "", None, {"msgid": [], "msgstr": []}
        elif line.startswith("#,"):
            flags += line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural"):
            field = None
        elif line.startswith("msgid "):
            field = "msgid"
            parts[field].append(line[6:].strip().strip('"'))
        elif line.startswith("msgstr"):
            field = "msgstr"
            parts[field].append(line.split(" ", 1)[1].strip().strip('"'))
        elif line.startswith('"') and field:
            parts[field].append(line.strip().strip('"'))
    return entries


def test_catalog_has_no_empty_or_fuzzy_entry():
    entries = parse_entries(CATALOG.read_text(encoding="utf-8"))
    assert len(entries) > 50
    header = [e for e in entries if e[1] == ""]
    assert len(header) == 1 and "Plural-Forms: nplurals=1; plural=0;" in header[0][2]
    fuzzy = [msgid or "(header)" for flags, msgid, _ in entries if "fuzzy" in flags]
    empty = [msgid for _, msgid, msgstr in entries if msgid and not msgstr]
    assert fuzzy == [], f"fuzzy entries: {fuzzy[:10]}"
    assert empty == [], f"untranslated entries: {empty[:10]}"


def test_catalog_compiles_cleanly():
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(CATALOG)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_msgid_in_the_code_is_in_the_catalog(tmp_path):
    """makemessages into a scratch copy finds nothing new: the catalog is in step with the code."""
    scratch = tmp_path / "django.po"
    scratch.write_text(CATALOG.read_text(encoding="utf-8"), encoding="utf-8")
    before = {m for _, m, _ in parse_entries(scratch.read_text(encoding="utf-8"))}
    pot = tmp_path / "new.pot"
    files = [str(p) for ext in ("py", "html", "txt") for p in Path(settings.BASE_DIR).rglob(f"*.{ext}")
             if ".venv" not in p.parts and "var" not in p.parts and "node_modules" not in p.parts]
    # xgettext directly on Python files; templates are covered by makemessages in `make messages`.
    py_files = [f for f in files if f.endswith(".py") and "/tests/" not in f and "/migrations/" not in f]
    subprocess.run(["xgettext", "-L", "Python", "--from-code=UTF-8", "-k_", "-kgettext", "-kgettext_lazy",
                    "-kpgettext:1c,2", "-kpgettext_lazy:1c,2", "-kngettext:1,2", "-kngettext_lazy:1,2",
                    "-o", str(pot), *py_files], check=True)
    found = {m for _, m, _ in parse_entries(pot.read_text(encoding="utf-8")) if m}
    missing = sorted(found - before)
    assert missing == [], f"msgids in code but not in the catalog (run `make messages`): {missing[:10]}"
