"""Demo discovery reports for worker1 (赤坎区); idempotent. Called by the cases app's demo seed."""

import datetime

from django.utils import timezone

from accounts.models import User
from children.models import Child
from divisions.models import Division

from ..models import Incident
from . import services


def seed() -> str:
    worker = User.objects.filter(username="worker1").first()
    if worker is None or Incident.objects.filter(reported_by=worker).exists():
        return "0 discovery reports"
    now = timezone.now()
    hours = lambda n: now - datetime.timedelta(hours=n)  # noqa: E731
    made = []
    child = (Child.objects.visible_to(worker).in_registry().select_related("residence").order_by("id").first())
    if child is not None:
        # Handled a week ago: police and 民政 told, the police answered, the child was sheltered.
        handled = services.file_incident(
            by=worker, situations=["domestic_violence", "m4_abuse"], discovered_at=hours(24 * 7 + 2),
            place=child.residence, child=child, immediate_danger=True, reporter_kind="child_director",
            reporter_name="陈主任", reporter_phone="13902561234",
            description="儿童主任反映：孩子手臂、背部多处淤青，自述父亲酒后打人。现由祖母陪同。")
        Incident.objects.filter(pk=handled.pk).update(reported_at=hours(24 * 7))
        handled.refresh_from_db()
        services.log_notice(incident=handled, recipient="police", by=worker, notified_at=hours(24 * 7 - 0.2),
                            channel="110", receiver="中华街派出所值班民警", receipt_number="JJ440802-2026-1187")
        services.log_notice(incident=handled, recipient="civil_affairs", by=worker, notified_at=hours(24 * 7 - 1),
                            channel="phone", receiver="赤坎区民政局儿童福利股张股长")
        services.add_measure(incident=handled, by=worker, kind="shelter", taken_at=hours(24 * 7 - 3),
                             note="经民政局同意，临时安置在区未成年人救助保护中心。")
        services.record_police_feedback(incident=handled, by=worker, received_at=hours(24 * 5),
                                        feedback="已受案调查，对父亲依法训诫并出具告诫书。")
        services.confirm_high_risk(incident=handled, by=worker)
        made.append(handled)
    # Open: a child not in the registry found living alone; 民政 told, the village committee not yet.
    village = Division.objects.filter(code__startswith="440802", level=Division.Level.VILLAGE).order_by("code").first()
    if village is not None:
        alone = services.file_incident(
            by=worker, situations=["alone"], discovered_at=hours(28), place=village,
            child_description="男孩，约9岁，自称姓黄，父母都在深圳打工，爷爷上月住院后一个人在家。",
            place_detail="村委会后面第二排平房", description="入户走访时发现孩子独自在家，冰箱里只有剩饭，已三天没上学。")
        Incident.objects.filter(pk=alone.pk).update(reported_at=hours(27))
        alone.refresh_from_db()
        services.log_notice(incident=alone, recipient="civil_affairs", by=worker, notified_at=hours(26),
                            channel="phone", receiver="赤坎区民政局值班室")
        made.append(alone)
    return f"{len(made)} discovery reports"
