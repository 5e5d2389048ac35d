"""Filters and search of the registry (台账), shared by the list page and the web export.

    children, form = filtered_children(request.user, request.GET)

Everything starts from `Child.objects.visible_to(user)`; an invalid filter gives no children (and the
form says what is wrong), never the unfiltered registry.
"""

import datetime
import re
import unicodedata
from collections import Counter

from django import forms
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import Case, Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dates import day_start
from accounts.fields import blind_index
from accounts.policy import Can
from accounts.services import users_who_can
from divisions.forms import DivisionField
from divisions.models import code_prefix

from . import idnumber
from .models import Category, Child, ChildCategory, Parent, RiskAssessment, RiskLevel, benefit_gap_q, birthday_years_ago
from .risk import reassessment_due_expression, reassessment_due_q
from .tally import tallied_groups, tally_areas

NOT_GRADED = "none"
MISSED = "missed"  # ?visit=missed: the contract's monthly home visit not yet made this month (docs/reports.md)
ALL = "all"
SOON_DAYS = 30


class ChildFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": _("Name, pinyin (zxm), ID number or phone")}))
    family = forms.BooleanField(label=_("Also search the names of parents, guardians and caregivers"),
                                required=False)
    place = DivisionField(label=_("Place"), required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), to_field_name="code",
                                      required=False, empty_label=_("All categories"))
    risk = forms.ChoiceField(label=_("Risk level"), required=False,
                             choices=[("", _("All levels")), *RiskLevel.choices, (NOT_GRADED, _("Not graded"))])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("In registry")), (Child.Status.EXITED, _("Left registry")),
                                        (ALL, _("In registry and left"))])
    worker = forms.ModelChoiceField(label=_("Social worker"), required=False, empty_label=_("All workers"),
                                    queryset=users_who_can(Can.HAVE_CASELOAD))
    stage = forms.ChoiceField(label=_("School stage"), required=False,
                              choices=[("", _("All stages")), *Child.SchoolStage.choices])
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=18)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=18)
    benefit_gap = forms.BooleanField(label=_("Entitled but not receiving (应享未享)"), required=False)
    reassess = forms.ChoiceField(label=_("Risk reassessment"), required=False, choices=[
        ("", _("Any")), ("due", _("Due now (incl. never assessed)")), ("soon", _("Due within 30 days")),
        ("never", _("Never assessed"))])
    entered_from = forms.DateField(label=_("Entered the registry from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    entered_to = forms.DateField(label=_("Entered the registry to"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    exited_from = forms.DateField(label=_("Left the registry from"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    exited_to = forms.DateField(label=_("Left the registry to"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    visit = forms.ChoiceField(label=_("Monthly home visit"), required=False, choices=[
        ("", _("Any")), (MISSED, _("High and medium-high, not yet visited at home this month"))])
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("", _("Name")), ("risk", _("Risk level, highest first")), ("age", _("Age, youngest first")),
        ("-age", _("Age, oldest first")), ("place", _("Place")), ("reassess", _("Reassessment due, earliest first")),
        ("-updated", _("Recently changed"))])

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("age_min"), cleaned.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The upper age must not be below the lower age: swap the two numbers."))
        for first, last in (("entered_from", "entered_to"), ("exited_from", "exited_to")):
            if cleaned.get(first) and cleaned.get(last) and cleaned[first] > cleaned[last]:
                self.add_error(last, _("The last day must not be before the first day."))
        return cleaned


# ---------------------------------------------------------------- search

_SEPARATORS = re.compile(r"[\s'’·\-]+")


class SearchKind:
    ID_NUMBER, PHONE, PINYIN, NAME = "id_number", "phone", "pinyin", "name"


def search_kind(text: str) -> str | None:
    """'id_number' or 'phone' when a search box entry is one (such searches are audited), else None."""
    found = classify_search(text)
    return found[0] if found and found[0] in (SearchKind.ID_NUMBER, SearchKind.PHONE) else None


def classify_search(text: str) -> tuple[str, str] | None:
    """What a search box entry is, decided before any query: (kind, the normalised text), or None when
    there is nothing to search for. An 18-character ID number, a phone number (7 digits or more), latin
    letters (pinyin in full, of the given name, or initials), otherwise part of a name."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    compact = _SEPARATORS.sub("", text)
    if not compact:
        return None
    number = idnumber.normalise(compact)
    if len(number) == 18 and re.fullmatch(r"\d{17}[\dX]", number):
        return SearchKind.ID_NUMBER, number
    if compact.isdigit() and len(compact) >= 7:
        return SearchKind.PHONE, compact
    if compact.isascii() and compact.isalpha():
        return SearchKind.PINYIN, compact.lower()
    return SearchKind.NAME, compact


class NameChars(Func):
    """PostgreSQL: the characters of a child's name as an array, `regexp_split_to_array(name, '')`; the
    expression of the GIN index children_child_name_chars (migration 0008)."""

    function = "regexp_split_to_array"
    output_field = ArrayField(models.TextField())

    def __init__(self):
        super().__init__(F("name"), Value(""))


def _name_search(children: QuerySet, text: str) -> QuerySet:
    if connection.vendor != "postgresql":
        return children.filter(name__contains=text)  # SQLite: a scan, fine at a county's size
    if len(text) >= 3:
        return children.filter(name__contains=text)  # the pg_trgm index children_child_name_trgm
    # pg_trgm has no trigram to look up in one or two characters: the per-character index narrows the
    # rows to names holding every character, the LIKE keeps those holding them in this order.
    children = children.alias(name_chars=NameChars()).filter(name_chars__contains=list(text))
    return children.filter(name__contains=text) if len(text) > 1 else children


def search(children: QuerySet, text: str, *, family: bool = False) -> QuerySet:
    """Children matching a search box entry, by ONE indexable query for its kind (classify_search): never
    an OR over every kind, which no index serves. With `family`, a name is also looked for among the
    guardians', caregivers' and parents' names (an explicit option: slower, and seldom what is meant)."""
    found = classify_search(text)
    if found is None:
        return children
    kind, value = found
    if kind == SearchKind.ID_NUMBER:
        return children.filter(id_number_index=blind_index(value))
    if kind == SearchKind.PHONE:
        return children.filter(pk__in=Child.objects.with_phone(value).values("pk"))
    if kind == SearchKind.PINYIN:
        return children.filter(Q(name_pinyin__startswith=value) | Q(name_initials__startswith=value)
                               | Q(name_pinyin_given__startswith=value))
    if not family:
        return _name_search(children, value)
    named = _name_search(Child.objects.all(), value).values("pk")
    parents = Parent.objects.filter(name__contains=value).values("child_id")
    return children.filter(Q(pk__in=named) | Q(guardian_name__contains=value) | Q(caregiver_name__contains=value)
                           | Q(pk__in=parents))


# ---------------------------------------------------------------- filtering

def apply_filters(children: QuerySet, data: dict, *, skip: str | set = "",
                  today: datetime.date | None = None) -> QuerySet:
    """Apply the cleaned filters, except those named in `skip` (used to count the options of a filter)."""
    today = today or timezone.localdate()
    skip = {skip} if isinstance(skip, str) else set(skip)
    if "status" not in skip:
        status = data.get("status")
        if status == ALL:
            pass
        elif status == Child.Status.EXITED:
            children = children.filter(status=Child.Status.EXITED)
        else:
            children = children.filter(status=Child.Status.REGISTERED)
    children = search(children, data.get("q", ""), family=bool(data.get("family")))
    if place := data.get("place"):
        children = children.filter(residence__code__startswith=code_prefix(place.code))
    if "category" not in skip and (category := data.get("category")):
        children = children.filter(Exists(ChildCategory.objects.filter(child=OuterRef("pk"), category=category)))
    if "risk" not in skip and (risk := data.get("risk")):
        children = children.filter(risk_level="" if risk == NOT_GRADED else risk)
    if worker := data.get("worker"):
        children = children.filter(social_worker=worker)
    if "stage" not in skip and (stage := data.get("stage")):
        children = children.filter(school_stage=stage)
    if (low := data.get("age_min")) is not None:
        children = children.filter(birth_date__lte=birthday_years_ago(today, low))
    if (high := data.get("age_max")) is not None:
        children = children.filter(birth_date__gt=birthday_years_ago(today, high + 1))
    if data.get("benefit_gap"):
        # benefit_gap_q reads the benefit table: build it once per request, not once per facet.
        children = children.filter(data.get("benefit_gap_q") or benefit_gap_q(today))
    # entries and exits in a period, Shanghai dates, both ends included (as children.stats counts them)
    if first := data.get("entered_from"):
        children = children.filter(created_at__gte=day_start(first))
    if last := data.get("entered_to"):
        children = children.filter(created_at__lt=day_start(last + datetime.timedelta(days=1)))
    if first := data.get("exited_from"):
        children = children.filter(exited_on__gte=first)
    if last := data.get("exited_to"):
        children = children.filter(exited_on__lte=last)
    if data.get("visit") == MISSED:
        children = children.filter(missed_home_visit_q(today.replace(day=1), today))
    if "reassess" not in skip and (reassess := data.get("reassess")) == "due":
        children = children.filter(reassessment_due_q(today))
    elif "reassess" not in skip and reassess:
        children = children.alias(reassess_due=reassessment_due_expression())
        if reassess == "soon":
            children = children.filter(reassess_due__gt=today,
                                       reassess_due__lte=today + datetime.timedelta(days=SOON_DAYS))
        elif reassess == "never":
            children = children.filter(~Exists(RiskAssessment.objects.filter(child=OuterRef("pk"))))
    return children


def missed_home_visit_q(first: datetime.date, last: datetime.date) -> Q:
    """High and medium-high children with no home visit from `first` to `last`: the contract's monthly rule
    as `visits.stats` counts it (the model is looked up by name: visits depends on children, not the reverse)."""
    from django.apps import apps

    visit = apps.get_model("visits", "Visit")
    home = visit.objects.filter(child=OuterRef("pk"), type="home", visited_on__gte=first, visited_on__lte=last)
    return Q(risk_level__in=[RiskLevel.HIGH, RiskLevel.MEDIUM_HIGH]) & ~Q(Exists(home))


RISK_ORDER = Case(*(When(risk_level=level, then=Value(rank)) for rank, level in enumerate(
    [RiskLevel.HIGH, RiskLevel.MEDIUM_HIGH, RiskLevel.MEDIUM_LOW, RiskLevel.LOW])), default=Value(9),
    output_field=IntegerField())


def sort_children(children: QuerySet, key: str, *, name_searched: bool = False) -> QuerySet:
    """`name_searched`: the children were narrowed by a search of names (PostgreSQL). Sorted by name, the
    planner would walk the name index and test each row, which reads most of the registry when the hits
    sort late (陈, U+9648: 80,000 rows for the first 50, 370 ms at 100,000 children); ordering by the
    same name as an expression (`name || ''`, the same order) leaves it the search index and a top-N sort
    of the hits instead: at most ~50 ms for the commonest surname (docs/benchmarks.md)."""
    if key == "risk":
        return children.alias(risk_rank=RISK_ORDER).order_by("risk_rank", "name", "id")
    if key == "age":
        return children.order_by("-birth_date", "id")
    if key == "-age":
        return children.order_by("birth_date", "id")
    if key == "place":
        return children.order_by("residence_id", "name", "id")
    if key == "reassess":
        due = reassessment_due_expression()
        return children.alias(reassess_sort=due).order_by(
            Case(When(reassess_sort__isnull=True, then=Value(0)), default=Value(1)), "reassess_sort", "id")
    if key == "-updated":
        return children.order_by("-updated_at", "-id")
    if name_searched and connection.vendor == "postgresql":
        return children.order_by(Concat("name", Value(""), output_field=models.CharField()), "id")
    return children.order_by("name", "id")


def filtered_children(user, params) -> tuple[QuerySet, ChildFilterForm]:
    """The children `user` may see that match the filter and search in `params` (a QueryDict or dict),
    sorted as asked; and the bound form (its errors say what to fix)."""
    form = ChildFilterForm(params or {})
    children = Child.objects.visible_to(user)
    if not form.is_valid():
        return children.none(), form
    children = apply_filters(children, form.cleaned_data)
    found = classify_search(form.cleaned_data.get("q", ""))
    return sort_children(children, form.cleaned_data.get("sort", ""),
                         name_searched=bool(found and found[0] == SearchKind.NAME)), form


GROUPED = ("risk", "status", "stage")


def _matches(data: dict, facet: str, risk: str, status: str, stage: str) -> bool:
    """Whether a (risk level, status, school stage) group passes the filter of `facet` in `data`."""
    if facet == "risk":
        wanted = data.get("risk")
        return not wanted or risk == ("" if wanted == NOT_GRADED else wanted)
    if facet == "status":
        wanted = data.get("status")
        return wanted == ALL or status == (Child.Status.EXITED if wanted == Child.Status.EXITED
                                           else Child.Status.REGISTERED)
    wanted = data.get("stage")
    return not wanted or stage == wanted


def facet_counts(user, form: ChildFilterForm) -> dict:
    """For each of risk, status, school stage and category: how many children each option would give,
    with every other filter applied; and "total", the number of children the whole filter gives (the
    list's page count, so the list runs no COUNT of its own).

    Two grouped queries whatever the number of children and filters: one by (risk level, status,
    school stage) with every other filter applied, from which the three facets and the total are summed
    here, and one by category. They used to be four queries and a COUNT, each a scan of the registry.
    When the filter is only of risk, status, stage, category and place, and the user sees children by
    area, one query of the stored counts per town instead (children.tally)."""
    if not form.is_valid():
        return {}
    data = dict(form.cleaned_data)
    if (areas := tally_areas(user, data)) is not None:
        return _tallied_counts(data, tallied_groups(areas))
    base = Child.objects.visible_to(user)
    if data.get("benefit_gap"):
        data["benefit_gap_q"] = benefit_gap_q(timezone.localdate())
    if classify_search(data.get("q", "")) is not None:
        return _capped_counts(base, data)
    groups = (apply_filters(base, data, skip=set(GROUPED)).order_by()
              .values_list("risk_level", "status", "school_stage").annotate(n=Count("pk")))
    counts = _summed(data, groups)
    tagged = ChildCategory.objects.filter(child__in=apply_filters(base, data, skip="category").values("pk"))
    counts["category"] = dict(tagged.order_by().values("category__code").annotate(n=Count("child_id", distinct=True))
                              .values_list("category__code", "n"))
    return counts


SEARCH_COUNT_CAP = 1000  # a search counts at most this many children + 1 (docs/registry.md, issue 17)


def _capped_counts(base: QuerySet, data: dict) -> dict:
    """facet_counts for a search: each grouped query reads at most SEARCH_COUNT_CAP + 1 matching children
    (a LIMIT on the keys), not every match (陈 matches 9,300 children at city scale). When a query reaches
    the cap, its counts are lower bounds: "capped" names them ("facets": risk, status and stage;
    "category"; "total") and the list shows "1,000+" and "n+". The total is counted on its own (a third
    query, as limited) only when the grouped query is capped; otherwise it is summed from that query."""
    cap = SEARCH_COUNT_CAP

    def sample(queryset: QuerySet) -> QuerySet:
        return base.filter(pk__in=queryset.order_by().values("pk")[:cap + 1])

    # Grouped here, not by the database: `id IN (… LIMIT 1001)` led PostgreSQL to scan the registry for
    # the outer rows (100 ms for 陈); 1,001 rows of three short columns are read in a few ms.
    read = Counter(apply_filters(base, data, skip=set(GROUPED)).order_by()
                   .values_list("risk_level", "status", "school_stage")[:cap + 1])
    groups = [(*key, n) for key, n in read.items()]
    counts = _summed(data, groups)
    capped = {"facets": sum(n for *_, n in groups) > cap, "category": False, "total": False}
    if capped["facets"]:
        found = apply_filters(base, data).order_by().values("pk")[:cap + 1].count()
        counts["total"], capped["total"] = min(found, cap), found > cap
    # From the children's side (untagged children in a row of their own), so the rows add up to at least
    # the number of children read: above the cap, the counts may be lower bounds and are marked so.
    tagged = list(sample(apply_filters(base, data, skip="category")).order_by()
                  .values_list("categories__code").annotate(n=Count("pk", distinct=True)))
    counts["category"] = {code: n for code, n in tagged if code}
    capped["category"] = sum(n for _, n in tagged) > cap
    counts["capped"] = capped
    return counts


def _tallied_counts(data: dict, groups: list[tuple]) -> dict:
    """facet_counts from the stored counts per town (children.tally): a filter of risk, status, school
    stage, category and place only, the user seeing children by area. One query of a few thousand rows
    instead of two over the registry."""
    chosen = data.get("category")
    wanted = chosen.code if chosen else ""
    counts = _summed(data, [(risk, status, stage, n) for category, risk, status, stage, n in groups
                            if category == wanted])
    counts["category"] = {}
    for category, risk, status, stage, n in groups:
        if category and all(_matches(data, facet, risk, status, stage) for facet in GROUPED):
            counts["category"][category] = counts["category"].get(category, 0) + n
    return counts


def _summed(data: dict, groups) -> dict:
    """The risk, status and stage facets and the total from (risk level, status, school stage, n) groups."""
    counts: dict = {facet: {} for facet in GROUPED}
    counts["total"] = 0
    for risk, status, stage, n in groups:
        values = {"risk": risk or NOT_GRADED, "status": status, "stage": stage}
        passes = {facet: _matches(data, facet, risk, status, stage) for facet in GROUPED}
        for facet in GROUPED:
            if all(passes[other] for other in GROUPED if other != facet):
                counts[facet][values[facet]] = counts[facet].get(values[facet], 0) + n
        if all(passes.values()):
            counts["total"] += n
    return counts
