"""Forms of the 个人档案: the child with parents and household on one page, tags, benefits, exit;
and at the end the risk assessment and the event that calls for one."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dates import not_in_future
from accounts.forms import VersionedFormMixin
from accounts.policy import Can
from divisions.forms import DivisionField

from . import idnumber
from .models import (
    RETENTION_ANSWER,
    BenefitEnrolment,
    Child,
    ChildCategory,
    Contact,
    DataRequest,
    HouseholdMember,
    Parent,
    RiskAssessment,
    RiskEvent,
    RiskLevel,
    RiskPolicy,
)
from .risk import DIMENSIONS, LEVEL_RANK, SCORE_CHOICES, TRIGGERS, applicable_triggers, propose, trigger_label
from .services import duplicate_error, find_by_id_number
from .validators import check_id_matches, validate_category_age, validate_phone, validate_registry_age

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class KeepHiddenIdNumberMixin:
    """An ID number is never put back into an edit form (that would show it without a reveal):
    the field starts empty, its help shows the masked number, and leaving it empty keeps it."""

    def hide_stored_id_number(self):
        stored = self.instance.id_number if self.instance.pk else ""
        self.stored_id_number = stored
        if stored:
            self.initial["id_number"] = ""
            self.fields["id_number"].widget.attrs["placeholder"] = idnumber.mask(stored)
            self.fields["id_number"].help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                "masked": idnumber.mask(stored)}

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number")
        if not idnumber.normalise(value):
            return getattr(self, "stored_id_number", "")
        return idnumber.validate(value)


class PhoneFieldsMixin:
    phone_fields: tuple = ()

    def _clean_phones(self):
        for name in self.phone_fields:
            if name in self.cleaned_data:
                try:
                    self.cleaned_data[name] = validate_phone(self.cleaned_data[name])
                except ValidationError as error:
                    self.add_error(name, error)


class ChildForm(VersionedFormMixin, KeepHiddenIdNumberMixin, PhoneFieldsMixin, forms.ModelForm):
    residence = DivisionField(label=_("actual residence"))
    hukou = DivisionField(label=_("registered residence"), required=False)
    caregiver_disqualifications = forms.MultipleChoiceField(
        label=_("caregiver disqualifications (art. 22)"), choices=Child.Disqualification.choices,
        widget=forms.CheckboxSelectMultiple, required=False)

    phone_fields = ("guardian_phone", "caregiver_phone", "head_teacher_phone")

    SECTIONS = [
        (_("Identity"), ["name", "sex", "birth_date", "ethnicity", "id_number", "hukou_type", "hukou",
                         "hukou_address", "residence", "address", "photo"]),
        (_("Guardianship and care"), ["guardian_name", "guardian_relation", "guardian_phone", "caregiver_name",
                                      "caregiver_relation", "caregiver_age", "caregiver_health", "caregiver_phone",
                                      "caregiver_disqualifications", "school_told_in_writing",
                                      "village_told_in_writing", "lives_alone"]),
        (_("Schooling"), ["school_stage", "school_name", "grade", "boarding", "head_teacher", "head_teacher_phone"]),
        (_("Health"), ["health", "health_note", "disability_type", "disability_grade", "disability_certificate",
                       "serious_illness", "mental_health_conclusion", "receives_rehabilitation"]),
        (_("Family economy"), ["economy", "economy_note"]),
        (_("People responsible"), ["social_worker", "child_director", "child_supervisor", "village_contact"]),
        (_("Ledger and legal basis"), ["source", "last_verified_on", "legal_basis", "consent_by", "consent_date",
                                       "consent_version", "consent_form"]),
    ]

    class Meta:
        model = Child
        fields = ["name", "sex", "birth_date", "ethnicity", "id_number", "hukou_type", "hukou", "hukou_address",
                  "residence", "address", "photo", "guardian_name", "guardian_relation", "guardian_phone", "caregiver_name",
                  "caregiver_relation", "caregiver_age", "caregiver_health", "caregiver_phone",
                  "caregiver_disqualifications", "school_told_in_writing", "village_told_in_writing", "lives_alone",
                  "school_stage", "school_name", "grade", "boarding", "head_teacher", "head_teacher_phone", "health",
                  "health_note", "disability_type", "disability_grade", "disability_certificate", "serious_illness",
                  "mental_health_conclusion", "receives_rehabilitation", "economy", "economy_note", "social_worker",
                  "child_director", "child_supervisor", "village_contact", "source", "last_verified_on",
                  "legal_basis", "consent_by", "consent_date", "consent_version", "consent_form"]
        widgets = {"birth_date": DATE, "last_verified_on": DATE, "consent_date": DATE,
                   "address": forms.TextInput, "hukou_address": forms.TextInput,
                   "health_note": forms.Textarea(attrs={"rows": 2}), "serious_illness": forms.TextInput,
                   "mental_health_conclusion": forms.Textarea(attrs={"rows": 2}),
                   "economy_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.services import users_who_can

        self.user = user
        self.hide_stored_id_number()
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text",
                                                       "maxlength": 24})
        self.fields["social_worker"].queryset = users_who_can(Can.HAVE_CASELOAD)
        contacts = Contact.objects.filter(active=True).select_related("division")
        for name, kind in (("child_director", Contact.Kind.CHILD_DIRECTOR),
                           ("child_supervisor", Contact.Kind.CHILD_SUPERVISOR),
                           ("village_contact", Contact.Kind.VILLAGE_COMMITTEE)):
            self.fields[name].queryset = contacts.filter(kind=kind)
        if not self.instance.pk and user.can(Can.HAVE_CASELOAD):
            self.initial.setdefault("social_worker", user.pk)

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean(self):
        cleaned = super().clean()
        self._clean_phones()
        number = cleaned.get("id_number")
        if not number and cleaned.get("hukou_type") != Child.HukouType.UNREGISTERED and "id_number" not in self.errors:
            self.add_error("id_number", _("Enter the ID number. For a child without household registration, "
                                          "choose “not registered” as household registration."))
        if number:
            for name, error in check_id_matches(number, birth_date=cleaned.get("birth_date"),
                                                sex=cleaned.get("sex")).items():
                self.add_error(name, error)
            existing = find_by_id_number(number)
            if existing and existing.pk != self.instance.pk:
                self.add_error("id_number", duplicate_error(existing, self.user))
        born = cleaned.get("birth_date")
        if born and (not self.instance.pk or "birth_date" in self.changed_data):
            try:
                validate_registry_age(born, on=timezone.localdate())
            except ValidationError as error:
                self.add_error("birth_date", error)
        if cleaned.get("legal_basis") == Child.LegalBasis.GUARDIAN_CONSENT:
            for name in ("consent_date", "consent_version", "consent_form"):
                if not cleaned.get(name):
                    self.add_error(name, _("With guardian consent as the legal basis, record the consent date, "
                                           "form version and how it was given."))
        photo = cleaned.get("photo")
        if photo and getattr(photo, "size", 0) > 5 * 1024 * 1024:
            self.add_error("photo", _("The photo is larger than 5 MB; take it at a lower resolution."))
        if cleaned.get("disability_type") and not cleaned.get("disability_grade"):
            self.add_error("disability_grade", _("Give the disability grade (1–4) from the certificate."))
        return cleaned


class ParentForm(KeepHiddenIdNumberMixin, PhoneFieldsMixin, forms.ModelForm):
    phone_fields = ("phone",)

    class Meta:
        model = Parent
        fields = ["kind", "name", "situation", "work_place", "away_since", "phone", "contact_frequency",
                  "last_met_on", "id_number"]
        widgets = {"away_since": DATE, "last_met_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hide_stored_id_number()

    def clean(self):
        cleaned = super().clean()
        self._clean_phones()
        if cleaned.get("situation") == Parent.Situation.WORKING_AWAY and not cleaned.get("work_place"):
            self.add_error("work_place", _("Give the place of work (province and city) of a parent working away."))
        return cleaned


class BaseParentFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kinds = [f.cleaned_data.get("kind") for f in self.forms
                 if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if len(kinds) != len(set(kinds)):
            raise ValidationError(_("Enter each parent once: one father and one mother."))


ParentFormSet = forms.inlineformset_factory(Child, Parent, form=ParentForm, formset=BaseParentFormSet, extra=2,
                                            max_num=2, validate_max=True, can_delete=True)

HouseholdFormSet = forms.inlineformset_factory(
    Child, HouseholdMember, fields=["name", "relation", "birth_year", "occupation", "note"], extra=2,
    can_delete=True)


class CategoryForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ChildCategory
        fields = ["category", "recognised_on", "basis", "review_on", "evidence"]
        widgets = {"recognised_on": DATE, "review_on": DATE}

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        if self.instance.pk:
            self.fields["category"].disabled = True

    def clean(self):
        cleaned = super().clean()
        category, recognised = cleaned.get("category"), cleaned.get("recognised_on")
        if category and not self.instance.pk and self.child.category_links.filter(category=category).exists():
            self.add_error("category", _("The child already has this category; edit the existing tag."))
        if category:
            from .services import eligibility_problems  # services imports this module's neighbours

            for problem in eligibility_problems(self.child, {category.code}):
                self.add_error("category", problem)
        if category and recognised:
            for day in {recognised, timezone.localdate()}:
                try:
                    validate_category_age(category=category, birth_date=self.child.birth_date, on=day)
                except ValidationError as error:
                    self.add_error("category", error)
                    break
            try:
                not_in_future(recognised, _("The recognition date cannot be in the future."))
            except ValidationError as error:
                self.add_error("recognised_on", error)
        review = cleaned.get("review_on")
        if review and recognised and review < recognised:
            self.add_error("review_on", _("The review date must not be before the recognition date."))
        return cleaned


class EnrolmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = BenefitEnrolment
        fields = ["benefit", "status", "applied_on", "started_on", "stopped_on", "amount", "checked_on", "note"]
        widgets = {"applied_on": DATE, "started_on": DATE, "stopped_on": DATE, "checked_on": DATE}

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        if self.instance.pk:
            self.fields["benefit"].disabled = True

    def clean(self):
        cleaned = super().clean()
        benefit = cleaned.get("benefit")
        if benefit and not self.instance.pk and self.child.benefit_enrolments.filter(benefit=benefit).exists():
            self.add_error("benefit", _("This benefit is already recorded for the child; edit that record."))
        if cleaned.get("status") == BenefitEnrolment.Status.STOPPED and not cleaned.get("stopped_on"):
            self.add_error("stopped_on", _("Give the date the benefit stopped."))
        started, stopped = cleaned.get("started_on"), cleaned.get("stopped_on")
        if started and stopped and stopped < started:
            self.add_error("stopped_on", _("The stop date must not be before the date payment began."))
        return cleaned


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label=_("exit reason"), choices=Child.ExitReason.choices)
    exited_on = forms.DateField(label=_("exit date"), widget=DATE)
    note = forms.CharField(label=_("exit details"), max_length=200, required=False)

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child

    def clean(self):
        cleaned = super().clean()
        reason, day = cleaned.get("reason"), cleaned.get("exited_on")
        try:
            not_in_future(day, _("The exit date cannot be in the future."))
        except ValidationError as error:
            self.add_error("exited_on", error)
        if day and day < self.child.created_at.date():
            self.add_error("exited_on", _("The exit date cannot be before the child entered the registry."))
        ages = {Child.ExitReason.TURNED_16: 16, Child.ExitReason.TURNED_18: 18}
        if reason in ages and day and self.child.age_on(day) < ages[reason]:
            self.add_error("reason", _("The child is not yet %(age)s on the exit date (born %(born)s).") % {
                "age": ages[reason], "born": self.child.birth_date.isoformat()})
        if reason == Child.ExitReason.OTHER and not cleaned.get("note"):
            self.add_error("note", _("Say why the child leaves the registry."))
        return cleaned


# ---------------------------------------------------------------- risk grading

class RiskAssessmentForm(forms.Form):
    """The six scores and the triggers the worker found; the proposal is computed from these answers
    alone, so an assessment works even where the record is still incomplete.

    Two steps without JavaScript: "propose" validates the answers and shows the proposal; "confirm"
    also needs the level the worker confirms (and a reason when it differs from the proposal).
    """

    occasion = forms.ChoiceField(label=_("Occasion"), choices=RiskAssessment.Occasion.choices)
    assessed_on = forms.DateField(label=_("Assessed on"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    triggers = forms.MultipleChoiceField(label=_("Override triggers found"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confirmed_level = forms.ChoiceField(label=_("Level you confirm"), required=False,
                                        choices=[("", "—"), *RiskLevel.choices], widget=forms.RadioSelect)
    reason_for_difference = forms.CharField(label=_("Why you differ from the proposal"), required=False,
                                            widget=forms.Textarea(attrs={"rows": 2}))
    lower_anyway = forms.BooleanField(
        label=_("Lower the level although a discovery report is open"), required=False,
        help_text=_("A discovery report about this child is still open. Lower the level only when what you "
                    "found answers the report; say what in the observations."))

    def __init__(self, *args, child: Child, policy: RiskPolicy, findings: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.child, self.policy, self.findings = child, policy, findings or {}
        self.confirming = self.data.get("step") == "confirm"
        self.proposal = None
        for dimension in DIMENSIONS:
            self.fields[f"score_{dimension.code}"] = forms.TypedChoiceField(
                label=dimension.label, help_text=dimension.help, choices=SCORE_CHOICES, coerce=int,
                widget=forms.RadioSelect, error_messages={"required": _("Score this dimension from 0 to 3.")})
        today = timezone.localdate()
        self.fields["triggers"].choices = [
            (t.code, trigger_label(t, policy)) for t in applicable_triggers(child, policy, today)]
        self.fields["occasion"].initial = (RiskAssessment.Occasion.PERIODIC if child.risk_assessments.exists()
                                           else RiskAssessment.Occasion.INTAKE)
        if RiskEvent.objects.filter(child=child, resolved_by__isnull=True).exists():
            self.fields["occasion"].initial = RiskAssessment.Occasion.EVENT
        self.fields["assessed_on"].initial = today
        self.fields["triggers"].initial = list(self.findings)
        self.open_report = RiskEvent.objects.filter(child=child, kind=RiskEvent.Kind.REPORT,
                                                    resolved_by__isnull=True).exists()

    def score_fields(self):
        return [self[f"score_{d.code}"] for d in DIMENSIONS]

    def clean_assessed_on(self):
        day = not_in_future(self.cleaned_data["assessed_on"], _("The assessment date cannot be in the future."))
        if day < self.child.birth_date:
            raise forms.ValidationError(_("The assessment date is before the child's birth date."))
        return day

    def clean(self):
        cleaned = super().clean()
        scores = {d.code: cleaned.get(f"score_{d.code}") for d in DIMENSIONS}
        if any(value is None for value in scores.values()) or not cleaned.get("assessed_on"):
            return cleaned
        self.proposal = propose(scores=scores, triggers=cleaned.get("triggers", []), policy=self.policy,
                                age=self.child.age_on(cleaned["assessed_on"]))
        cleaned["scores"] = scores
        if self.confirming:
            level = cleaned.get("confirmed_level")
            if not level:
                self.add_error("confirmed_level", _("Choose the level you confirm."))
            elif level != self.proposal.level and not cleaned.get("reason_for_difference", "").strip():
                self.add_error("reason_for_difference", _(
                    "The level you confirm differs from the proposed level: say why "
                    "(what you saw that the scores miss)."))
            if level and self.lowers(level) and not cleaned.get("lower_anyway"):
                self.add_error("lower_anyway", _(
                    "A discovery report about this child is open and this lowers the level from %(old)s to "
                    "%(new)s. Tick the box to confirm.") % {"old": RiskLevel(self.child.risk_level).label,
                                                          "new": RiskLevel(level).label})
        return cleaned

    def lowers(self, level: str) -> bool:
        """The confirmed level is below the child's current one while a discovery report is open."""
        return (self.open_report and self.child.risk_level in LEVEL_RANK and level in LEVEL_RANK
                and LEVEL_RANK[level] < LEVEL_RANK[self.child.risk_level])

    @property
    def fired_labels(self) -> list[str]:
        if not self.proposal:
            return []
        by_code = {t.code: t for t in TRIGGERS}
        return [trigger_label(by_code[code], self.policy) for code in self.proposal.fired]


class RiskEventForm(forms.ModelForm):
    class Meta:
        model = RiskEvent
        fields = ["kind", "occurred_on", "note"]
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "note": forms.Textarea(attrs={"rows": 2})}

    def clean_occurred_on(self):
        return not_in_future(self.cleaned_data["occurred_on"], _("The event date cannot be in the future."))


class DataRequestForm(forms.ModelForm):
    """A guardian's or the child's request about the information (R8), as the worker received it."""

    class Meta:
        model = DataRequest
        fields = ["kind", "requester", "requester_name", "received_on", "details"]
        widgets = {"received_on": DATE, "details": forms.Textarea(attrs={"rows": 3})}


class DataRequestAnswerForm(forms.ModelForm):
    """The answer: what was done, when, and in words. A deletion request starts from the retention rule."""

    class Meta:
        model = DataRequest
        fields = ["answered_on", "outcome", "answer"]
        widgets = {"answered_on": DATE, "answer": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True
        self.initial["answered_on"] = timezone.localdate()  # the instance's empty values would win over a field's
        if self.instance.kind == DataRequest.Kind.DELETE:
            self.fields["outcome"].choices = [c for c in self.fields["outcome"].choices
                                              if c[0] != DataRequest.Outcome.DONE]
            self.initial.update(outcome=DataRequest.Outcome.REFUSED, answer=str(RETENTION_ANSWER))
