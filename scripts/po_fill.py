"""Fill zh_Hans translations from a JSON object {msgid: msgstr} and report what is still missing.

    .venv/bin/python scripts/po_fill.py my-strings.json     # fill, clear fuzzy flags on those
    .venv/bin/python scripts/po_fill.py --missing            # list untranslated or fuzzy msgids
"""

import json
import sys
from pathlib import Path

import polib

CATALOG = Path(__file__).resolve().parent.parent / "config" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main(argv):
    po = polib.pofile(str(CATALOG), wrapwidth=0)
    if argv and argv[0] != "--missing":
        strings = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        for entry in po:
            if entry.msgid in strings:
                value = strings[entry.msgid]
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: value}
                else:
                    entry.msgstr = value
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                    entry.previous_msgid = None
        po.save(str(CATALOG))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    for msgid in missing:
        print(json.dumps(msgid, ensure_ascii=False))
    print(f"{len(missing)} missing", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
