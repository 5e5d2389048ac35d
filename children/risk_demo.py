"""Demo risk assessments (called from children/demo.py): most demo children get one, a few are left
for an intake assessment, some are overdue, and the supervisor has reviewed about half."""

import datetime

from django.utils import timezone

from accounts.models import Role, User
from accounts.services import approve, pending_approval

from .models import Child, RiskAssessment, RiskLevel
from .risk import REVIEW_KIND
from .services import record_assessment

# Scores whose totals land on each level under the default thresholds (2, 7, 12).
SCORES = {
    RiskLevel.LOW: {"family": 1, "care": 0, "schooling": 0, "health": 0, "economy": 0, "safety": 0},
    RiskLevel.MEDIUM_LOW: {"family": 2, "care": 1, "schooling": 0, "health": 0, "economy": 1, "safety": 0},
    RiskLevel.MEDIUM_HIGH: {"family": 2, "care": 2, "schooling": 1, "health": 1, "economy": 1, "safety": 1},
    RiskLevel.HIGH: {"family": 3, "care": 3, "schooling": 2, "health": 2, "economy": 1, "safety": 2},
}


def seed() -> str:
    today = timezone.localdate()
    supervisor = User.objects.filter(role=Role.SUPERVISOR, is_active=True).first()
    made = 0
    children = Child.objects.filter(social_worker__isnull=False).exclude(risk_level="").select_related("social_worker")
    for n, child in enumerate(children.order_by("id")):
        if n % 6 == 5 or RiskAssessment.objects.filter(child=child).exists():
            continue  # every sixth child waits for its intake assessment
        assessed_on = today - datetime.timedelta(days=(n * 23) % 200)
        assessment = record_assessment(
            child=child, by=child.social_worker, occasion="intake", assessed_on=assessed_on,
            scores=SCORES[child.risk_level], triggers=[], confirmed_level=child.risk_level,
            notes="入户了解：祖母照看，父母在外务工。")
        approval = pending_approval(assessment, REVIEW_KIND)
        if supervisor and approval and n % 2 == 0:
            approve(approval=approval, by=supervisor, comment="评分与入户记录一致。")
        made += 1
    return f"{made} risk assessments added"
