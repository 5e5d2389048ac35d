"""Reading a social worker's xlsx ledger (台账) into child records, all or nothing.

Real ledgers are messy, so reading happens in three steps, each forgiving where the meaning is
unambiguous and precise where it is not:

1. `read_sheet` (sheet.py) turns the first worksheet into rows of cell values keyed by column: it finds the
   header row under any title rows (and a second header row under grouped headers such as
   现居住地 over 县（市、区）/镇（街道）/村（居）), copies each merged cell's value into every
   cell it covers, and skips blank rows and note rows.
2. Cell normalisers (`clean_text`, `parse_date`, … in cells.py) and `divisions.matching.DivisionMatcher`
   turn the values into Python values: full-width characters, stray spaces, dates written any
   common way, county names with or without 区/县/市, villages without 村民委员会.
3. `plan_import` (checking.py) checks every row against the columns of columns.py and collects
   every problem, by row and column, in Chinese; `import_ledger` (saving.py) saves the rows in one
   transaction only when there is no problem at all.

The Chinese column headers are the file format social workers use, not interface text, so they
are literals; every message a user reads goes through gettext.
"""

from divisions.matching import DivisionAmbiguous, DivisionMatcher, DivisionNotFound

from .cells import DateError, clean_text, compact, parse_date, unescape_formula_guard
from .checking import ImportPlan, PlannedChild, Problem, plan_import, plan_sheet
from .columns import COLUMN_HEADERS, LEDGER_COLUMNS, SYNONYMS
from .saving import import_ledger, save_plan
from .sheet import MAX_ROWS, MAX_UNZIPPED_BYTES, MAX_UPLOAD_BYTES, Column, Sheet, SheetError, SheetRow, header_key, read_sheet

__all__ = [
    "COLUMN_HEADERS", "LEDGER_COLUMNS", "MAX_ROWS", "MAX_UNZIPPED_BYTES", "MAX_UPLOAD_BYTES", "SYNONYMS", "Column", "DateError",
    "DivisionAmbiguous", "DivisionMatcher", "DivisionNotFound", "ImportPlan", "PlannedChild", "Problem", "Sheet",
    "SheetError", "SheetRow", "clean_text", "compact", "header_key", "import_ledger", "parse_date", "plan_import",
    "plan_sheet", "read_sheet", "save_plan", "unescape_formula_guard",
]
