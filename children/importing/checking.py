"""Checking every row of a ledger and collecting every problem, by row and column, in Chinese.

`plan_import` reads and checks a file; nothing is saved until `saving.save_plan`.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.fields import blind_index
from accounts.policy import Can
from accounts.services import users_who_can
from divisions.matching import DivisionAmbiguous, DivisionMatcher, DivisionNotFound
from divisions.models import Division

from .. import idnumber
from ..models import Category, Child, ChildCategory, Parent
from ..validators import check_id_matches, validate_category_age, validate_phone, validate_registry_age
from .cells import DateError, clean_text, compact, parse_date, unescape_formula_guard
from .columns import COLUMN_HEADERS, GRADES, LEDGER_COLUMNS, LIST_SPLIT, SYNONYMS, UMBRELLA_CATEGORIES
from .sheet import Sheet, SheetError, SheetRow, read_sheet


@dataclass
class Problem:
    row: int | None  # None: about the whole file
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}


@dataclass
class PlannedChild:
    row: int
    child: Child  # not saved yet
    parents: list = field(default_factory=list)
    categories: list = field(default_factory=list)  # (Category, recognised_on)
    place: str = ""


@dataclass
class ImportPlan:
    rows: list[PlannedChild] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    row_count: int = 0
    stored_rows: int = 0  # a plan read back from a LedgerImport: how many valid rows it holds in all

    @property
    def pending_count(self) -> int:
        """Children imported 待细分 (an umbrella word such as 困境儿童 instead of the exact category)."""
        return sum(1 for planned in self.rows if planned.child.category_pending)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def problems_by_row(self) -> dict:
        grouped: dict = {}
        for problem in self.problems:
            grouped.setdefault(problem.row, []).append(problem)
        return grouped


def _choice_lookup(choices, extra: dict[str, str]) -> dict[str, str]:
    """Value by what a ledger may write: the code, the Chinese label, or a common synonym."""
    with translation.override("zh-hans"):
        lookup = {compact(value).lower(): value for value, _label in choices}
        lookup.update({compact(str(label)).lower(): value for value, label in choices})
    lookup.update({compact(word).lower(): value for word, value in extra.items()})
    return lookup


class _Context:
    """What checking a row needs, loaded once per file."""

    def __init__(self, *, by):
        self.by = by
        self.today = timezone.localdate()
        self.matcher = DivisionMatcher()
        self.categories = {c.code: c for c in Category.objects.all()}
        self.category_lookup = {compact(c.name): c.code for c in self.categories.values()}
        self.category_lookup.update({compact(c.code): c.code for c in self.categories.values()})
        self.category_lookup.update({k: v for k, v in SYNONYMS["category"].items() if v in self.categories})
        self.lookups = {
            "sex": _choice_lookup(Child.Sex.choices, SYNONYMS["sex"]),
            "hukou_type": _choice_lookup(Child.HukouType.choices, SYNONYMS["hukou_type"]),
            "guardian_relation": _choice_lookup(Child.GuardianRelation.choices, SYNONYMS["relation"]),
            "situation": _choice_lookup(Parent.Situation.choices, SYNONYMS["situation"]),
            "school_stage": _choice_lookup(Child.SchoolStage.choices, SYNONYMS["school_stage"]),
            "health": _choice_lookup(Child.Health.choices, SYNONYMS["health"]),
            "disability_type": _choice_lookup(Child.DisabilityType.choices, SYNONYMS["disability_type"]),
            "economy": _choice_lookup(Child.Economy.choices, SYNONYMS["economy"]),
            "status": _choice_lookup(Child.Status.choices, SYNONYMS["status"]),
            "exit_reason": _choice_lookup(Child.ExitReason.choices, SYNONYMS["exit_reason"]),
        }
        self.id_rows: dict[str, list[int]] = {}  # ID number → every row giving it, valid or not
        self.area_codes = (by.area_codes() if by is not None and by.can(Can.HAVE_CASELOAD) else None)
        workers = users_who_can(Can.HAVE_CASELOAD)
        self.workers: dict[str, list] = {}
        for worker in workers:
            for key in {compact(worker.username).lower(), compact(worker.full_name).lower()} - {""}:
                self.workers.setdefault(key, []).append(worker)


class _RowChecker:
    def __init__(self, context: _Context, row: SheetRow, headers: dict[str, str], problems: list[Problem]):
        self.context, self.row, self.headers, self.problems = context, row, headers, problems
        self.failed = False

    def problem(self, key: str, message: str) -> None:
        self.failed = True
        self.problems.append(Problem(self.row.number, self.headers.get(key, COLUMN_HEADERS.get(key, "")), message))

    def raw(self, key: str):
        return self.row.values.get(key)

    def text(self, key: str, max_length: int = 200) -> str:
        value = unescape_formula_guard(clean_text(self.raw(key)))
        if len(value) > max_length:
            self.problem(key, _("Too long: at most %(n)s characters.") % {"n": max_length})
            return value[:max_length]
        return value

    def date(self, key: str) -> datetime.date | None:
        try:
            value = parse_date(self.raw(key))
        except DateError:
            self.problem(key, _("“%(value)s” is not a date we can read. Write it as 2015-03-01.")
                         % {"value": clean_text(self.raw(key))})
            return None
        if value is not None and value > self.context.today:
            self.problem(key, _("%(date)s is in the future. Check the year.") % {"date": value.isoformat()})
            return None
        return value

    def choice(self, key: str, lookup_name: str, default: str = "") -> str:
        text = compact(unescape_formula_guard(clean_text(self.raw(key)))).lower()
        if not text:
            return default
        lookup = self.context.lookups[lookup_name]
        for candidate in (text, text.removesuffix("残疾"), text.removesuffix("户")):
            if candidate in lookup:
                return lookup[candidate]
        accepted = "、".join(dict.fromkeys(_labels(lookup_name)))
        self.problem(key, _("“%(value)s” is not one of: %(accepted)s.") % {"value": clean_text(self.raw(key)),
                                                                           "accepted": accepted})
        return default

    def phone(self, key: str) -> str:
        value = self.raw(key)
        if not clean_text(value):
            return ""
        try:
            return validate_phone(unescape_formula_guard(clean_text(value)).lstrip("'‘’`"))
        except ValidationError:
            self.problem(key, _("“%(value)s” is not a phone number. Write 11 digits for a mobile (13800138000) "
                                "or the area code and number for a landline (0759-2345678).")
                         % {"value": clean_text(value)})
            return ""


def _labels(lookup_name: str) -> list[str]:
    choices = {"sex": Child.Sex, "hukou_type": Child.HukouType, "guardian_relation": Child.GuardianRelation,
               "situation": Parent.Situation, "school_stage": Child.SchoolStage, "health": Child.Health,
               "disability_type": Child.DisabilityType, "economy": Child.Economy, "status": Child.Status,
               "exit_reason": Child.ExitReason}[lookup_name]
    with translation.override("zh-hans"):
        return [str(label) for label in choices.labels]


def _check_row(context: _Context, row: SheetRow, headers: dict[str, str], problems: list[Problem]):
    check = _RowChecker(context, row, headers, problems)
    name = "".join(check.text("name", 50).split())
    if not name:
        check.problem("name", _("The name is missing."))

    id_number, id_birth, id_sex = _check_id_number(check)
    if id_number:
        context.id_rows.setdefault(id_number, []).append(row.number)
    sex = check.choice("sex", "sex")
    birth_date = check.date("birth_date")
    if id_number:
        for key, error in check_id_matches(id_number, birth_date=birth_date, sex=sex).items():
            check.problem(key, " ".join(error.messages))
    birth_date, sex = birth_date or id_birth, sex or id_sex

    status = check.choice("status", "status", Child.Status.REGISTERED)
    exit_reason = check.choice("exit_reason", "exit_reason")
    exited_on = check.date("exited_on")
    if status == Child.Status.EXITED and not (exit_reason and exited_on):
        check.problem("exit_reason", _("A child who has left the registry needs an exit reason and an exit date."))
    if status == Child.Status.REGISTERED:
        exit_reason, exited_on = "", None
        if birth_date:
            try:
                validate_registry_age(birth_date, on=context.today)
            except ValidationError as exc:
                check.problem("birth_date", " ".join(exc.messages) + _(" A child who has left: write 退出 in 状态."))

    residence, address = _check_residence(check)
    hukou, hukou_address = _check_hukou(check)

    entered_on = check.date("entered_on")
    recognised_on = check.date("recognised_on") or entered_on or context.today
    categories, pending = _check_categories(check, birth_date if status == Child.Status.REGISTERED else None)

    child = Child(
        name=name, sex=sex or "", birth_date=birth_date, ethnicity=_ethnicity(check.text("ethnicity", 16)),
        id_number=id_number, hukou=hukou, hukou_address=hukou_address,
        hukou_type=check.choice("hukou_type", "hukou_type", Child.HukouType.RURAL),
        residence=residence, address=address,
        guardian_name=check.text("guardian_name", 50),
        guardian_relation=check.choice("guardian_relation", "guardian_relation"),
        guardian_phone=check.phone("guardian_phone"),
        caregiver_name=check.text("caregiver_name", 50), caregiver_relation=check.text("caregiver_relation", 20),
        caregiver_phone=check.phone("caregiver_phone"),
        school_stage=check.choice("school_stage", "school_stage"), school_name=check.text("school_name", 100),
        grade=check.text("grade", 20),
        health=check.choice("health", "health", Child.Health.HEALTHY),
        disability_type=check.choice("disability_type", "disability_type"),
        disability_grade=_check_grade(check),
        economy=check.choice("economy", "economy", Child.Economy.NONE),
        social_worker=_check_worker(check),
        status=status, exit_reason=exit_reason, exited_on=exited_on, category_pending=pending,
        source=Child.Source.IMPORT, created_by=context.by if context.by is not None else None,
    )
    if entered_on:
        child.created_at = timezone.make_aware(datetime.datetime.combine(entered_on, datetime.time(9)))
    parents = [p for p in (_check_parent(check, Parent.Kind.FATHER), _check_parent(check, Parent.Kind.MOTHER)) if p]
    if check.failed:
        return None
    links = [ChildCategory(category=context.categories[code], recognised_on=recognised_on,
                           basis=str(_("Recorded in the imported ledger")), created_by=child.created_by)
             for code in categories]
    return PlannedChild(row=row.number, child=child, parents=parents, categories=links,
                        place=context.matcher.describe(residence))


def _ethnicity(text: str) -> str:
    text = "".join(text.split())
    if not text:
        return "汉族"
    return text if text.endswith("族") else f"{text}族"


def _check_id_number(check: _RowChecker):
    value = check.raw("id_number")
    if isinstance(value, float) or (isinstance(value, int) and len(str(value)) != 18):
        check.problem("id_number", _("Excel stored the ID number as a number and lost its last digits. Format "
                                     "the column as text and type the numbers again."))
        return "", None, ""
    # A leading apostrophe is how people force Excel to keep a long number as text.
    text = unescape_formula_guard(clean_text(value)).lstrip("'‘’`")
    if not text:
        check.problem("id_number", _("The ID number is missing."))
        return "", None, ""
    if "*" in text:
        check.problem("id_number", _("The ID number is masked (****). Import from an export made with full "
                                     "ID numbers, or type the full number."))
        return "", None, ""
    try:
        number = idnumber.validate(text)
    except ValidationError as exc:
        check.problem("id_number", " ".join(str(m) for m in exc.messages))
        return "", None, ""
    return number, idnumber.birth_date_of(number), idnumber.sex_of(number)


def _check_residence(check: _RowChecker):
    matcher = check.context.matcher
    address = check.text("address", 200)
    cells = {k: compact(check.raw(k)) for k in ("county", "town", "village")}
    written = clean_text(check.raw("residence"))
    try:
        if any(cells.values()):
            division, column = matcher.match(**cells), "village" if cells["village"] else "town"
        elif written:
            division, rest = matcher.match_text(written)
            column = "residence"
            address = address or rest
        else:
            check.problem("village", _("The place of residence is missing: fill in 县（市、区）, 镇（街道） and "
                                       "村（居）."))
            return None, address
    except DivisionNotFound as exc:
        key = "residence" if written and not any(cells.values()) else _level_column(cells, exc.args[0])
        check.problem(key, _("“%(value)s” is not a county, town or village of Zhanjiang we know (or not in the "
                             "county or town given). Check the spelling.") % {"value": exc.args[0]})
        return None, address
    except DivisionAmbiguous as exc:
        check.problem("village" if cells["village"] else "residence",
                      _("The place could be any of: %(names)s. Write the full name or add the town.")
                      % {"names": "、".join(matcher.describe(d) for d in exc.candidates)})
        return None, address
    if division is None or division.level != Division.Level.VILLAGE:
        check.problem(column, _("Give the village or community (村（居）) the child lives in."))
        return None, address
    area_codes = check.context.area_codes
    if area_codes is not None and not any(division.code.startswith(code) for code in area_codes):
        check.problem(column, _("%(place)s is outside your work area; ask the project lead to import this child.")
                      % {"place": matcher.describe(division)})
        return None, address
    return division, address


def _level_column(cells: dict[str, str], value: str) -> str:
    for key in ("county", "town", "village"):
        if cells[key] == compact(value):
            return key
    return "village"


def _check_hukou(check: _RowChecker):
    cells = {k: compact(check.raw(f"hukou_{k}")) for k in ("county", "town", "village")}
    if any(cells.values()):
        try:
            return check.context.matcher.match(**cells), ""
        except (DivisionNotFound, DivisionAmbiguous):
            return None, "".join(cells.values())  # kept as text, like a place outside 湛江
    written = clean_text(check.raw("hukou"))
    if not written:
        return None, ""
    try:
        division, rest = check.context.matcher.match_text(written)
    except DivisionAmbiguous:
        return None, written  # kept as text: the registered place does not decide who sees the child
    return (division, rest) if division is not None else (None, written)


def _check_categories(check: _RowChecker, birth_date: datetime.date | None) -> tuple[list[str], str]:
    """The category codes of the row, and the umbrella word (困境儿童) when the row gives one instead of the
    exact category: the child is then 待细分, and no age limit is checked until the category is set."""
    context = check.context
    words = [w for w in LIST_SPLIT.split(unescape_formula_guard(clean_text(check.raw("categories")))) if w]
    if not words:
        check.problem("categories", _("Give at least one child category, e.g. 农村留守儿童."))
        return [], ""
    codes, pending = [], ""
    accepted = "、".join(c.name for c in context.categories.values())
    for word in words:
        if word in UMBRELLA_CATEGORIES:
            pending = UMBRELLA_CATEGORIES[word]
            continue
        code = context.category_lookup.get(word) or context.category_lookup.get(word.removesuffix("儿童"))
        if code is None:
            check.problem("categories", _("“%(value)s” is not a child category. Use: %(accepted)s.")
                          % {"value": word, "accepted": accepted})
            continue
        if birth_date is not None:
            try:
                validate_category_age(category=context.categories[code], birth_date=birth_date, on=context.today)
            except ValidationError as exc:
                check.problem("categories", " ".join(exc.messages))
        if code not in codes:
            codes.append(code)
    return codes, pending


def _check_grade(check: _RowChecker) -> int | None:
    text = compact(check.raw("disability_grade"))
    if not text:
        return None
    grade = GRADES.get(text.removesuffix("残疾"))
    if grade is None:
        check.problem("disability_grade", _("“%(value)s” is not a disability grade. Write 一级 to 四级.")
                      % {"value": text})
    return grade


def _check_worker(check: _RowChecker):
    text = compact(check.raw("social_worker")).lower()
    by = check.context.by
    if not text:
        return by if by is not None and by.can(Can.HAVE_CASELOAD) else None
    found = check.context.workers.get(text, [])
    if len(found) == 1:
        return found[0]
    if found:
        check.problem("social_worker", _("More than one social worker is called “%(value)s”; write the user "
                                         "name instead.") % {"value": text})
    else:
        check.problem("social_worker", _("No social worker “%(value)s” has an account. Write the name or user "
                                         "name of a social worker, or leave it empty.") % {"value": text})
    return None


def _check_parent(check: _RowChecker, kind: str):
    name = check.text(f"{kind}_name", 50)
    situation = check.choice(f"{kind}_situation", "situation")
    work_place = check.text(f"{kind}_work_place", 100)
    phone = check.phone(f"{kind}_phone")
    if not (name or situation or work_place or phone):
        return None
    situation = situation or (Parent.Situation.WORKING_AWAY if work_place else Parent.Situation.AT_HOME)
    return Parent(kind=kind, name=name, situation=situation, work_place=work_place, phone=phone)


# ---------------------------------------------------------------- the whole file


def plan_import(file, *, by=None, progress=None, progress_every: int = 250) -> ImportPlan:
    """Read and check every row; nothing is saved. `by` is the person importing (None: a command run
    by the system administrator on the server), whose area scope limits where children may live."""
    plan = ImportPlan()
    try:
        sheet = read_sheet(file, LEDGER_COLUMNS)
    except SheetError as exc:
        plan.problems.append(Problem(None, "", str(exc)))
        return plan
    plan.skipped_rows, plan.ignored_headers = sheet.skipped, sheet.ignored
    return plan_sheet(sheet, by=by, plan=plan, progress=progress, progress_every=progress_every)


def plan_sheet(sheet: Sheet, *, by=None, plan: ImportPlan | None = None, progress=None,
               progress_every: int = 250) -> ImportPlan:
    """Check the rows of a sheet already read (generate_dataset builds one without a file)."""
    plan = plan or ImportPlan()
    plan.row_count = len(sheet.rows)
    if not sheet.rows:
        plan.problems.append(Problem(None, "", _("The ledger has a header row but no children under it.")))
        return plan
    if not ({"county", "town", "village", "residence"} & sheet.headers.keys()):
        plan.problems.append(Problem(None, "", _("The ledger has no place of residence: add the columns 县（市、区）, "
                                                 "镇（街道） and 村（居）.")))
        return plan
    context = _Context(by=by)
    for done, row in enumerate(sheet.rows, start=1):
        planned = _check_row(context, row, sheet.headers, plan.problems)
        if planned is not None:
            plan.rows.append(planned)
        if progress is not None and done % progress_every == 0:
            progress(done)
    _check_duplicates(plan, sheet, by, context.id_rows)
    plan.problems.sort(key=lambda p: (p.row or 0))
    return plan


def _check_duplicates(plan: ImportPlan, sheet: Sheet, by, id_rows: dict[str, list[int]]) -> None:
    """An ID number twice in the file is reported on every row that gives it, whatever else is wrong
    with those rows (the worker must see both to decide which is right)."""
    column = sheet.headers.get("id_number", COLUMN_HEADERS["id_number"])
    for rows in id_rows.values():
        for number in rows if len(rows) > 1 else ():
            others = "、".join(str(other) for other in rows if other != number)
            plan.problems.append(Problem(number, column, _("The same ID number is also on row %(rows)s of this "
                                                           "file.") % {"rows": others}))
    by_index = {blind_index(p.child.id_number): p for p in plan.rows}
    existing = dict(Child.objects.filter(id_number_index__in=list(by_index)).values_list("id_number_index", "pk"))
    if not existing:
        return
    visible = Child.objects.all() if by is None else Child.objects.visible_to(by)
    names = dict(visible.filter(pk__in=existing.values()).values_list("pk", "name"))
    for index, pk in existing.items():
        planned = by_index[index]
        if pk in names:
            message = _("Already in the registry as %(name)s (record %(pk)s).") % {"name": names[pk], "pk": pk}
        else:
            # Another county's child: say only that the number is registered (R4, least privilege).
            message = _("This ID number is already registered.")
        plan.problems.append(Problem(planned.row, column, message))

