"""Demo data: a contract year signed mid-month, activities across counties and months, articles in
every state. Idempotent: records are found by title and left alone when they exist."""

import datetime

from accounts.dates import SHANGHAI
from accounts.models import User
from children.models import Child

from .models import Activity, ActivityKind, Article, ContractYear, TrainingAttendee
from .services import add_contract_targets, decide_article, publish_article, submit_article

SIGNED_ON = datetime.date(2026, 3, 15)

# (title, kind, topic, status, (y, m, d, h), place code, organiser, volunteers, other children, parents)
ACTIVITIES = [
    ("春季防溺水安全教育进村", ActivityKind.COMMUNITY_EDUCATION, "drowning", "held", (2026, 3, 28, 9), "440802001",
     "worker1", 4, 18, 9),
    ("“护苗”防性侵知识课堂", ActivityKind.COMMUNITY_EDUCATION, "sexual_abuse", "held", (2026, 4, 18, 15),
     "440882001", "worker2", 3, 25, 6),
    ("儿童主任、儿童督导员业务培训（第一期）", ActivityKind.TRAINING, "guardianship", "held", (2026, 5, 9, 9),
     "440802", "worker1", 0, 0, 0),
    ("暑期防溺水安全教育", ActivityKind.COMMUNITY_EDUCATION, "drowning", "held", (2026, 5, 30, 9), "440823001",
     "worker3", 5, 30, 12),
    ("心理健康游园会", ActivityKind.COMMUNITY_EDUCATION, "mental_health", "held", (2026, 6, 20, 14), "440881001",
     "worker3", 6, 40, 15),
    ("未成年人保护法宣传进社区", ActivityKind.POLICY_PUBLICITY, "law", "held", (2026, 7, 11, 9), "440803001",
     "worker1", 2, 20, 8),
    ("亲子阅读家庭教育小组", ActivityKind.FAMILY_GROUP, "family_education", "held", (2026, 7, 25, 15), "440825001",
     "worker4", 2, 8, 8),
    ("禁毒知识小课堂", ActivityKind.COMMUNITY_EDUCATION, "anti_drug", "held", (2026, 8, 1, 9), "440883001",
     "worker4", 3, 22, 5),
    ("开学季交通安全教育", ActivityKind.COMMUNITY_EDUCATION, "safety", "held", (2026, 9, 5, 9), "440804001",
     "worker1", 3, 26, 10),
    ("家庭教育指导讲座", ActivityKind.COMMUNITY_EDUCATION, "family_education", "held", (2026, 10, 17, 19),
     "440882001", "worker2", 2, 12, 20),
    ("法治宣传：远离校园欺凌", ActivityKind.COMMUNITY_EDUCATION, "law", "held", (2026, 11, 7, 9), "440825001",
     "worker4", 4, 35, 6),
    ("冬季防火用电安全教育", ActivityKind.COMMUNITY_EDUCATION, "safety", "planned", (2026, 12, 5, 9), "440811070",
     "worker1", 0, 0, 0),
    ("儿童主任、儿童督导员业务培训（第二期）", ActivityKind.TRAINING, "guardianship", "planned", (2026, 12, 12, 9),
     "440882", "worker2", 0, 0, 0),
]

# (title, kind, state, activity title or "")
ARTICLES = [
    ("防溺水安全教育走进赤坎乡村", Article.Kind.ACTIVITY_REPORT, "published", "春季防溺水安全教育进村"),
    ("一图读懂事实无人抚养儿童保障政策", Article.Kind.POLICY_READING, "published", ""),
    ("“护苗”课堂：教孩子学会保护自己", Article.Kind.ACTIVITY_REPORT, "approved", "“护苗”防性侵知识课堂"),
    ("隔代照护家庭的代际沟通：三个做法", Article.Kind.WORK_RESEARCH, "submitted", ""),
    ("心理健康游园会侧记", Article.Kind.ACTIVITY_REPORT, "returned", "心理健康游园会"),
    ("“亲情连线”在留守儿童服务中的运用", Article.Kind.INNOVATIVE_METHOD, "draft", ""),
]


def seed() -> str:
    year, _created = ContractYear.objects.get_or_create(
        signed_on=SIGNED_ON, defaults={"name": "2026—2027 合同年度（湛江市留守儿童和困境儿童关爱保护服务）"})
    add_contract_targets(year=year)
    users = {u.username: u for u in User.objects.filter(username__in=["worker1", "worker2", "worker3", "worker4",
                                                                      "lead", "bureau"])}
    if len(users) < 6:
        return "skipped: demo users missing"
    made = 0
    for title, kind, topic, status, when, place, organiser, volunteers, others, parents in ACTIVITIES:
        starts_at = datetime.datetime(*when, tzinfo=SHANGHAI)
        activity, created = Activity.objects.get_or_create(title=title, defaults=dict(
            kind=kind, topic=topic, status=status, starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2), place_id=place, venue="村（居）委会活动室",
            partners="当地镇（街道）社工站、村（居）委会" if status == "held" else "",
            volunteer_count=volunteers, volunteer_hours=volunteers * 3, other_children_count=others,
            parents_count=parents, others_count=2 if status == "held" else 0,
            summary="社工通过情景演示、互动问答和小游戏讲解相关知识，参加儿童积极发言。" if status == "held" else "",
            feedback="家长表示孩子回家后能复述要点，希望多开展此类活动。" if status == "held" else "",
            organiser=users[organiser], created_by=users[organiser]))
        if created:
            made += 1
            if status == "held" and kind == ActivityKind.COMMUNITY_EDUCATION:
                nearby = Child.objects.in_registry().filter(residence__code__startswith=place[:9])[:5]
                activity.registered_children.set(nearby)
            if kind == ActivityKind.TRAINING and status == "held":
                for name, position, division in [("林秀梅", "child_supervisor", "440802001"),
                                                 ("陈国华", "child_director", "440802001001"),
                                                 ("许丽娟", "child_director", "440802001002")]:
                    TrainingAttendee.objects.create(activity=activity, name=name, position=position,
                                                    division_id=division)
    for title, kind, state, activity_title in ARTICLES:
        if Article.objects.filter(title=title).exists():
            continue
        author = users["worker1"] if kind != Article.Kind.WORK_RESEARCH else users["worker3"]
        article = Article.objects.create(
            title=title, kind=kind, author=author, activity=Activity.objects.filter(title=activity_title).first(),
            body=f"<p>{title}。</p><p>活动中，小林（化名）和同伴们认真学习，社工结合案例讲解要点。</p>")
        if state == "draft":
            continue
        article.uses_pseudonyms = article.no_faces = article.no_school = article.no_address = True
        article.save()
        submit_article(article=article, by=author)
        if state == "returned":
            decide_article(article=article, by=users["bureau"], approve=False,
                           comment="请删去照片中可辨认的儿童正脸，并补充活动成效。")
        elif state in ("approved", "published"):
            decide_article(article=article, by=users["bureau"], approve=True, comment="同意发布。")
            if state == "published":
                article.refresh_from_db()
                publish_article(article=article, by=author, media="湛江民政微信公众号",
                                published_on=datetime.date(2026, 11, 20), link="https://example.org/zjmz/article")
    return f"contract year from {SIGNED_ON}, {made} new activities, {Article.objects.count()} articles"
