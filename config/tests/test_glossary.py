"""The zh_Hans catalog uses the glossary's terms: no forbidden variant of docs/glossary.md appears."""

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "config" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def glossary_rows() -> list[tuple[str, list[str], list[str]]]:
    """(concept, accepted terms, forbidden variants) for each row of the glossary's table."""
    rows = []
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("概念 (English)", "---") or set(cells[0]) <= {"-"}:
            continue
        terms = [t.strip() for t in cells[1].split(" / ") if t.strip()]
        forbidden = [v.strip() for v in cells[2].split("、") if v.strip()]
        rows.append((cells[0], terms, forbidden))
    return rows


def forbidden_uses(text: str, rows) -> list[str]:
    accepted = sorted({term for _c, terms, _f in rows for term in terms}, key=len, reverse=True)
    found = []
    for concept, _terms, forbidden in rows:
        for variant in forbidden:
            if variant in accepted:
                continue  # the right word for another concept (案件 for a police case)
            stripped = text
            for term in accepted:
                if variant in term and term != variant:
                    stripped = stripped.replace(term, "")  # 重新开案 is not 开案
            if variant in stripped:
                found.append(f"{variant} (for “{concept}”)")
    return found


def test_the_glossary_table_is_readable_and_names_forbidden_variants():
    rows = glossary_rows()
    assert len(rows) > 50
    assert any(forbidden for _c, _t, forbidden in rows)


def test_no_forbidden_variant_in_the_catalog():
    rows = glossary_rows()
    offenders = []
    for entry in polib.pofile(str(CATALOG)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            for use in forbidden_uses(text, rows):
                offenders.append(f"{entry.msgid!r} → {text!r}: {use}")
    assert offenders == []


def test_the_check_catches_a_variant_and_spares_a_longer_term():
    rows = [("intake", ["接案"], ["开案"]), ("reopen", ["重新开案"], []), ("police case", ["案件"], []),
            ("case", ["个案"], ["案件"])]
    assert forbidden_uses("开案日期", rows) == ["开案 (for “intake”)"]
    assert forbidden_uses("请先重新开案", rows) == []
    assert forbidden_uses("回执号或案件编号", rows) == []
    assert re.search("开案", "重新开案")  # the longer term really contains the variant
