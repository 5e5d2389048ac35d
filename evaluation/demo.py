"""Demo evaluation records, so that every role finds some on its pages (docs/evaluation.md, "Demo"):
follow-up surveys after held activities and at sampled visits in each worker's counties (遂溪县 included, for
the county bureau), each worker's feedback for last month (two answered by the supervisor, two waiting),
partners of several kinds with their feedback (one city-wide, linked to the resource directory), a 摸排
round in one village of each demo county, and material help from a charity. The closed demo case is left
without its survey: it is the worker's card "closed cases waiting for a follow-up survey".
Idempotent: nothing is added twice."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from activities.models import Activity
from cases.models import Resource
from children.models import Child
from divisions.models import Division
from visits.models import Visit

from .models import MaterialHelp, Partner, PartnerFeedback, QuestionSet, Screening, Survey, WorkerFeedback
from .services import record_survey

WORKERS = ["worker1", "worker2", "worker3", "worker4"]
# name, kind, county (None: the whole city), the resource it is, who added it, feedback (given by, channel, scores)
PARTNERS = [
    ("赤坎区第一小学", Partner.Kind.SCHOOL, "440802", None, "worker1",
     ("李校长", PartnerFeedback.Channel.MEETING, (5, 4, 4), "社工每月到校了解留守学生情况，班主任反映配合顺畅。")),
    ("雷州市雷城派出所", Partner.Kind.POLICE, "440882", None, "worker2",
     ("王所长", PartnerFeedback.Channel.CALL, (4, 5, 4), "接到发现报告后社工及时通报，双方核实处置衔接较好。")),
    ("遂溪县遂城镇儿童之家", Partner.Kind.CHILDREN_HOME, "440823", None, "worker3",
     ("陈主任", PartnerFeedback.Channel.PAPER, (4, 4, 5), "暑期活动孩子们参与积极，希望增加课业辅导。")),
    ("湛江市志愿者联合会关爱留守儿童服务队", Partner.Kind.VOLUNTEERS, None, "湛江市志愿者联合会关爱留守儿童服务队",
     "lead", ("张队长", PartnerFeedback.Channel.MEETING, (5, 5, 4), "转介需求说明清楚，志愿者排班更有针对性。")),
    ("湛江市慈善总会", Partner.Kind.CHARITY, None, None, "lead",
     ("刘秘书长", PartnerFeedback.Channel.CALL, (4, 4, 4), "物资发放名单核对及时，建议提前一个月报送需求。")),
]
SURVEY_COMMENTS = ["社工很耐心，孩子愿意和她说话。", "希望社工多来几次，孩子放假在家没人管。", "活动很有意思，学到了防溺水知识。"]


def _survey(survey: Survey, by: User, n: int) -> bool:
    question_set = QuestionSet.current()
    survey.question_set = question_set
    survey.comment = SURVEY_COMMENTS[n % len(SURVEY_COMMENTS)]
    scores = {q.pk: 5 - (n + i) % 2 - (1 if i == 2 and n % 3 == 0 else 0)
              for i, q in enumerate(question_set.questions.all())}
    record_survey(survey=survey, scores=scores, by=by)
    return True


def _surveys(users: dict, today: datetime.date) -> int:
    made = 0
    for activity in Activity.objects.filter(status=Activity.Status.HELD, surveys__isnull=True).order_by("starts_at"):
        child = activity.registered_children.select_related("social_worker").exclude(social_worker=None).first()
        if child is None:
            continue
        done_on = min(timezone.localdate(activity.starts_at), today)
        made += _survey(Survey(context=Survey.Context.ACTIVITY, activity=activity, child=child,
                               respondent=Survey.Respondent.CHILD_AND_GUARDIAN, method=Survey.Method.IN_PERSON,
                               done_on=done_on), child.social_worker, made)
    # A sampled visit in each worker's counties (遂溪县 separately, for the county bureau), by phone a few days on.
    for county in ["440802", "440882", "440823", "440881", "440825", "440883"]:
        visit = (Visit.objects.filter(child__residence__code__startswith=county, surveys__isnull=True)
                 .select_related("child", "recorded_by").order_by("-visited_on", "id").first())
        if visit is None or Survey.objects.filter(visit__child__residence__code__startswith=county).exists():
            continue
        made += _survey(Survey(context=Survey.Context.VISIT, visit=visit, child=visit.child,
                               respondent=Survey.Respondent.CAREGIVER, method=Survey.Method.PHONE,
                               done_on=min(today, visit.visited_on + datetime.timedelta(days=3))), visit.recorded_by, made)
    return made


def _worker_feedback(users: dict, today: datetime.date) -> int:
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    made = 0
    for n, username in enumerate(WORKERS):
        feedback, created = WorkerFeedback.objects.get_or_create(worker=users[username], month=month, defaults=dict(
            workload=f"本月入户探访{12 + n * 3}户次，个案服务{2 + n}宗，参与社区活动1场。",
            difficulties="部分村庄路途远，雨天入户困难；个别监护人不愿配合。" if n % 2 else "",
            training_needs="希望参加儿童心理危机干预培训。",
            suggestions="建议与学校建立每月信息共享。" if n < 2 else ""))
        if created and n < 2:
            feedback.response = "已安排下月督导会专题讨论，培训需求报项目负责人统筹。"
            feedback.responded_by = users["supervisor"]
            feedback.responded_at = timezone.now()
            feedback.save(update_fields=["response", "responded_by", "responded_at"])
        made += created
    return made


def _partners(users: dict, today: datetime.date) -> int:
    made = 0
    for n, (name, kind, county, resource, by, (given_by, channel, scores, comments)) in enumerate(PARTNERS):
        partner, created = Partner.objects.get_or_create(name=name, kind=kind, defaults=dict(
            county=Division.objects.filter(code=county).first() if county else None,
            resource=Resource.objects.filter(name=resource, partner__isnull=True).first() if resource else None,
            contact_person=given_by, phone=f"0759-{2200000 + n * 1111}", created_by=users[by]))
        made += created
        cooperation, responsiveness, effect = scores
        PartnerFeedback.objects.get_or_create(
            partner=partner, received_on=today - datetime.timedelta(days=20 + n * 9), given_by=given_by,
            defaults=dict(channel=channel, cooperation=cooperation, responsiveness=responsiveness, effect=effect,
                          comments=comments, entered_by=users[by]))
    return made


def _screenings(users: dict, today: datetime.date) -> int:
    made = 0
    for n, (county, username) in enumerate([("440802", "worker1"), ("440882", "worker2"), ("440823", "worker3"),
                                            ("440883", "worker4")]):
        child = Child.objects.filter(residence__code__startswith=county).order_by("id").first()
        if child is None:
            continue
        started = today - datetime.timedelta(days=280 - n * 7)
        screening, created = Screening.objects.get_or_create(village_id=child.residence_id, started_on=started,
                                                             defaults=dict(
            ended_on=started + datetime.timedelta(days=2), others="村儿童主任、村委会委员", screened=30 + n * 4,
            entered=3 + n, not_eligible=20 + n * 2, already_registered=4, moved_away=2, declined=1,
            other_reason=n, note="逐户走访，核对户籍与实际居住情况。", entered_by=users[username]))
        if created:
            screening.surveyors.set([users[username]])
            made += 1
    return made


def _material_help(users: dict, today: datetime.date) -> int:
    charity = Partner.objects.filter(name="湛江市慈善总会").first()
    if charity is None:
        return 0
    made = 0
    children = Child.objects.in_registry().exclude(social_worker=None).select_related("social_worker").order_by("id")
    for n, child in enumerate(children[:3]):
        _help, created = MaterialHelp.objects.get_or_create(
            child=child, donor=charity, given_on=today - datetime.timedelta(days=45 - n),
            description=["书包、文具一套", "冬衣两件、棉被一床", "助学金"][n], defaults=dict(
                kind=MaterialHelp.Kind.MONEY if n == 2 else MaterialHelp.Kind.ITEMS,
                value=[Decimal("180"), Decimal("460"), Decimal("1000")][n], recorded_by=child.social_worker))
        made += created
    return made


def seed() -> str:
    users = {u.username: u for u in User.objects.filter(username__in=WORKERS + ["lead", "supervisor"])}
    if len(users) < len(WORKERS) + 2 or QuestionSet.current() is None:
        return "skipped: demo users or the question set missing"
    today = timezone.localdate()
    partners = _partners(users, today)
    return (f"{_surveys(users, today)} surveys, {_worker_feedback(users, today)} worker feedback, {partners} partners, "
            f"{_screenings(users, today)} screenings, {_material_help(users, today)} material help")
