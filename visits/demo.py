"""Demo visits for the demo children (whatever the registry's demo created); idempotent."""

import datetime

from django.utils import timezone

from accounts.models import Role, User
from children.models import Child

from . import services
from .models import FamilyCall, FollowUpContact, ParentsContact, SafetyHazard, Visit

# Days ago of the last home visit, by position in the list: some overdue, some due soon, some fine.
DAYS_AGO = [40, 25, 12, 95, 3, 200]


def _worker_for(child) -> User | None:
    if child.social_worker_id:
        return child.social_worker
    return (User.objects.filter(role=Role.SOCIAL_WORKER, is_active=True, areas__code=child.residence_id[:6])
            .order_by("username").first())


def seed() -> str:
    today = timezone.localdate()
    made = 0
    children = list(Child.objects.in_registry().select_related("social_worker").order_by("id")[:60])
    for index, child in enumerate(children):
        worker = _worker_for(child)
        if worker is None or Visit.objects.filter(child=child).exists():
            services.refresh_due_visits(child=child)
            continue
        visited_on = today - datetime.timedelta(days=DAYS_AGO[index % len(DAYS_AGO)])
        visit = Visit(child=child, type=Visit.Type.HOME, visited_on=visited_on, duration_minutes=50, child_seen=True,
                      others_met="祖母（委托照护人）", family_composition="与祖母同住，父母在广州务工。",
                      guardianship_care="祖母身体尚可，能照料日常饮食起居。", schooling="在村小学读书，成绩中等。",
                      health="身体健康，情绪稳定。", family_economy="靠父母务工收入，经济一般。",
                      living_safety="房屋为砖混结构，屋后有鱼塘未设围栏。",
                      hazards=[SafetyHazard.DROWNING] if index % 2 == 0 else [],
                      parents_contact=ParentsContact.WEEKLY, findings="照料基本到位，需注意防溺水。",
                      actions_agreed="祖母同意暑假期间不让孩子独自到鱼塘边玩。",
                      next_steps="下次探访时了解期中考试情况。")
        services.create_visit(visit=visit, by=worker)
        if index % 3 == 0:
            FamilyCall.objects.create(child=child, held_on=visited_on, mode=FamilyCall.Mode.VIDEO,
                                      participants="儿童本人、母亲（广州务工）", duration_minutes=20,
                                      note="约定每周六晚视频一次。", visit=visit, arranged_by=worker)
        made += 1
    if children and not FollowUpContact.objects.exists():
        child = children[0]
        worker = _worker_for(child)
        if worker is not None:
            contact = FollowUpContact.objects.create(
                division_id=child.residence_id, contacted_on=today - datetime.timedelta(days=7),
                method=FollowUpContact.Method.PHONE, contact_name="李主任", contact_role="儿童主任",
                learned="村内留守儿童基本生活正常，暑期防溺水宣传已张贴。", fed_back=True,
                fed_back_to="区民政局儿童福利股", fed_back_on=today - datetime.timedelta(days=6),
                feedback_note="已反馈本村留守儿童暑期安全情况。", recorded_by=worker)
            contact.children.add(child)
    return f"{made} visits"
