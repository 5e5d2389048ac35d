"""The objects the URL permission matrix (test_url_matrix.py) requests: one set in 赤坎区, the `worker`
persona's county, and one in 遂溪县, the `county_bureau` persona's, each made through the apps' own
services and factories. `World.kwargs(area, url_name)` gives the URL keyword arguments for an area."""

import datetime
import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from accounts.models import Notification, Role
from activities.models import ActivityPhoto, Article, ArticleImage, TrainingAttendee
from activities.tests.factories import ActivityFactory, ArticleFactory
from cases import services as case_services
from cases.incidents import services as incident_services
from cases.models import Case, Incident, Resource, ResourceType, Situation
from cases.tests.case_helpers import case_through
from children import idnumber
from children.households import create_household
from children.models import DataRequest
from children.services import record_assessment
from children.tests.factories import BenefitEnrolmentFactory, ChildCategoryFactory, ChildFactory
from conftest import CHIKAN, LEIZHOU, SUIXI, make_user
from divisions.models import Division
from evaluation.models import Partner, QuestionSet, Screening, Survey, WorkerFeedback
from evaluation.services import record_survey
from reports.models import Report
from visits.models import FamilyCall, FollowUpContact, Visit, VisitPhoto
from visits.services import create_visit

OWN, OTHER = "chikan", "suixi"  # the two areas: 赤坎区 (worker's) and 遂溪县 (county bureau's)
AREA_CODES = {OWN: CHIKAN, OTHER: SUIXI}
VILLAGES = {OWN: "440802001001", OTHER: None}  # 遂溪县's first village is looked up


def _jpeg() -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG")
    return ContentFile(out.getvalue(), name="photo.jpg")


@dataclass
class AreaObjects:
    """The primary keys of one area's objects, by the URL keyword they fill."""

    ids: dict[str, int | str] = field(default_factory=dict)


def _village(area: str) -> Division:
    if VILLAGES[area]:
        return Division.objects.get(code=VILLAGES[area])
    return Division.objects.filter(code__startswith=AREA_CODES[area], level="village").order_by("code").first()


def build_area(area: str, worker, supervisor) -> dict:
    """Every kind of object a URL names, in this area, with `worker` as its social worker."""
    village = _village(area)
    born = datetime.date(2015, 3, 1)
    child = ChildFactory(residence_id=village.pk, social_worker=worker, photo=_jpeg(), birth_date=born,
                         id_number=idnumber.make(AREA_CODES[area], born, 3 if area == OWN else 5, "F"))
    link = ChildCategoryFactory(child=child, evidence=ContentFile(b"%PDF-1.4 evidence", name="evidence.pdf"))
    enrolment = BenefitEnrolmentFactory(child=child)
    data_request = DataRequest.objects.create(child=child, kind=DataRequest.Kind.COPY, requester="guardian",
                                              recorded_by=worker)
    assessment = record_assessment(
        child=child, by=worker, occasion="intake", assessed_on=timezone.localdate(),
        scores={"family": 1, "care": 0, "schooling": 0, "health": 0, "economy": 0, "safety": 0},
        triggers=[], confirmed_level="low")
    visit = create_visit(visit=Visit(child=child, type=Visit.Type.HOME, visited_on=timezone.localdate(),
                                     duration_minutes=40, child_seen=True), by=worker)
    visit_photo = VisitPhoto.objects.create(visit=visit, image=_jpeg(), uploaded_by=worker)
    call = FamilyCall.objects.create(child=child, held_on=timezone.localdate(), participants="母亲",
                                     duration_minutes=15, arranged_by=worker)
    contact = FollowUpContact.objects.create(division=village, contacted_on=timezone.localdate(),
                                             contact_name="李主任", contact_role="儿童主任", learned="生活正常",
                                             recorded_by=worker)
    contact.children.add(child)

    case = case_services.open_case(child=child, by=worker, source=Case.Source.VISIT, source_note="入户探访发现",
                                   reason="祖母年迈，孩子常独自在家")
    case_through(case, worker, supervisor, Case.Stage.INTERVENTION)
    resource = Resource.objects.create(name=f"{area}法律援助处", type=ResourceType.objects.first())
    resource.counties.set(Division.objects.filter(code=AREA_CODES[area]))
    referral = case_services.refer(case=case, by=worker, resource=resource, need="法律咨询")
    closed_child = ChildFactory(residence_id=village.pk, social_worker=worker)
    closed = case_services.open_case(child=closed_child, by=worker, source=Case.Source.VISIT, reason="需要陪伴")
    case_through(closed, worker, supervisor, Case.Stage.CLOSED)
    follow_up = closed.follow_ups.first()

    incident = incident_services.file_incident(
        by=worker, situations=[Situation.values[0]], discovered_at=timezone.now() - datetime.timedelta(hours=1),
        place=village, description="看到孩子身上有伤", child=child, visit_id=visit.pk)
    loose_incident = incident_services.file_incident(
        by=worker, situations=[Situation.values[0]], discovered_at=timezone.now() - datetime.timedelta(hours=1),
        place=village, description="村口有个孩子没人管", child_description="约十岁男孩")

    activity = ActivityFactory(place_id=village.pk, organiser=worker, created_by=worker)
    attendee = TrainingAttendee.objects.create(activity=activity, name="王主任",
                                               position=TrainingAttendee.Position.CHILD_DIRECTOR, division=village)
    activity_photo = ActivityPhoto.objects.create(activity=activity, image=_jpeg(), uploaded_by=worker)
    # One article in each state an article URL acts on: sent for review (decide), returned (edit,
    # images, submit again), approved (publish). None is a draft, which only the team sees.
    checked = {"uses_pseudonyms": True, "no_faces": True, "no_school": True, "no_address": True}
    article = ArticleFactory(author=worker, activity=activity, status=Article.Status.SUBMITTED, **checked)
    returned = ArticleFactory(author=worker, activity=activity, status=Article.Status.RETURNED)
    approved = ArticleFactory(author=worker, activity=activity, status=Article.Status.APPROVED,
                              approved_at=timezone.now(), **checked)
    article_image = ArticleImage.objects.create(article=article, image=_jpeg(), uploaded_by=worker)
    siblings = [ChildFactory(residence_id=village.pk, social_worker=worker, guardian_name="张建国") for _ in range(2)]
    household = create_household(children=siblings, name="张建国家", by=worker)
    notification = Notification.objects.create(recipient=worker, title="提醒", url="/")
    report = Report.objects.create(kind="analysis", period="2026-11", county_id=village.pk[:6],
                                   period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2026, 11, 30),
                                   as_of=datetime.date(2026, 11, 30), status=Report.Status.SUBMITTED)

    evaluation = _evaluation_objects(area, worker, village, closed)

    return {
        "children:*": {"pk": child.pk, "link_pk": link.pk, "enrolment_pk": enrolment.pk,
                       "assessment_pk": assessment.pk, "token": "no-such-upload",
                       "request_pk": data_request.pk},
        "children:household_*": {"pk": household.pk},
        "children:household_create": {"child_pk": child.pk},
        "children:household_move_out": {"pk": household.pk, "child_pk": siblings[0].pk},
        "visits:*": {"child_pk": child.pk, "pk": visit.pk},
        "visits:household_visit_create": {"household_pk": household.pk},
        "visits:photo": {"pk": visit_photo.pk},
        "visits:call_detail": {"pk": call.pk},
        "visits:followup_*": {"pk": contact.pk},
        "cases:*": {"pk": case.pk},
        "cases:referral_update": {"pk": referral.pk},
        "cases:follow_up": {"pk": follow_up.pk},
        "cases:resource_detail": {"pk": resource.pk},
        "cases:resource_edit": {"pk": resource.pk},
        "cases:direct_service_create": {"child_pk": child.pk},
        "cases:incident_*": {"pk": incident.pk, "recipient": "police"},
        "cases:incident_link_child": {"pk": loose_incident.pk},
        "activities:*": {"pk": activity.pk, "attendee_pk": attendee.pk},
        "activities:photo": {"pk": activity_photo.pk},
        "activities:article_*": {"pk": article.pk},
        "activities:article_edit": {"pk": returned.pk},
        "activities:article_image_add": {"pk": returned.pk},
        "activities:article_submit": {"pk": returned.pk},
        "activities:article_publish": {"pk": approved.pk},
        "activities:article_image": {"pk": article_image.pk},
        "accounts:*": {"pk": notification.pk},
        "reports:*": {"pk": report.pk, "fmt": "pdf"},
        "guide:*": {"slug": "lead", "name": "lead-home"},  # a chapter and a screenshot of docs/guide/
        **evaluation,
    }


def _evaluation_objects(area: str, worker, village, closed_case) -> dict:
    """The closed case's follow-up survey, the worker's monthly feedback (not yet answered, so its author
    may still edit it), a partner of the county and a 摸排 round of the village."""
    question_set = QuestionSet.current()
    survey = record_survey(survey=Survey(context=Survey.Context.CASE_CLOSURE, case=closed_case,
                                         child=closed_case.child, question_set=question_set,
                                         respondent=Survey.Respondent.GUARDIAN, method=Survey.Method.IN_PERSON),
                           scores={q.pk: 4 for q in question_set.questions.all()}, by=worker)
    feedback = WorkerFeedback.objects.create(worker=worker, month=datetime.date(2026, 11, 1), workload="走访十二户")
    partner = Partner.objects.create(name=f"{area}中心小学", kind=Partner.Kind.SCHOOL, county_id=AREA_CODES[area],
                                     created_by=worker)
    screening = Screening.objects.create(village=village, started_on=datetime.date(2026, 10, 8),
                                         ended_on=datetime.date(2026, 10, 9), screened=12, entered=3,
                                         not_eligible=9, entered_by=worker)
    screening.surveyors.add(worker)
    return {"evaluation:survey_*": {"pk": survey.pk}, "evaluation:feedback_*": {"pk": feedback.pk},
            "evaluation:partner_*": {"pk": partner.pk}, "evaluation:screening_*": {"pk": screening.pk}}


def kwargs_for(objects: dict, url_name: str, keys) -> dict:
    """The URL's keyword arguments from an area's objects: the most specific entry first
    (`visits:photo`, then `visits:*`)."""
    app = url_name.split(":")[0]
    candidates = [url_name] + sorted((k for k in objects if k.endswith("*") and url_name.startswith(k[:-1])),
                                     key=len, reverse=True) + [f"{app}:*"]
    found = {}
    for key in keys:
        for candidate in candidates:
            if key in objects.get(candidate, {}):
                found[key] = objects[candidate][key]
                break
        else:
            raise LookupError(f"matrix_world has no object for {url_name} <{key}>")
    return found


PERSONAS = ("anonymous", "worker", "other_worker", "lead", "supervisor", "bureau", "county_bureau", "sysadmin")


def build_world() -> dict:
    """The personas of the root conftest (same names and areas) and both areas' objects."""
    users = {
        "worker": make_user("worker_chikan", Role.SOCIAL_WORKER, [CHIKAN]),
        "other_worker": make_user("worker_leizhou", Role.SOCIAL_WORKER, [LEIZHOU]),
        "lead": make_user("lead", Role.PROJECT_LEAD, is_staff=True),
        "supervisor": make_user("supervisor", Role.SUPERVISOR, is_staff=True),
        "bureau": make_user("bureau", Role.BUREAU),
        "county_bureau": make_user("county_bureau", Role.COUNTY_BUREAU, [SUIXI]),
        "sysadmin": make_user("sysadmin", Role.ADMIN, is_staff=True, is_superuser=True),
    }
    suixi_worker = make_user("worker_suixi", Role.SOCIAL_WORKER, [SUIXI])
    areas = {OWN: build_area(OWN, users["worker"], users["supervisor"]),
             OTHER: build_area(OTHER, suixi_worker, users["supervisor"])}
    return {"users": users, "areas": areas}


__all__ = ["AREA_CODES", "OTHER", "OWN", "PERSONAS", "build_world", "kwargs_for", "Incident"]
