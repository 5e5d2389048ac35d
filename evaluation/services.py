"""Writes across several rows of the evaluation: a survey with its answers, a new question-set version."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.services import audit

from .models import Question, QuestionSet, Survey, SurveyAnswer


def _duplicate_message(context: str) -> str:
    return {Survey.Context.CASE_CLOSURE: _("This case already has its follow-up survey."),
            Survey.Context.ACTIVITY: _("This child already answered a survey about this activity."),
            Survey.Context.VISIT: _("This visit already has a survey.")}[context]


@transaction.atomic
def record_survey(*, survey: Survey, scores: dict[int, int], by) -> Survey:
    """Save a survey and one answer per question of its version (question id → score 1–5); all or nothing."""
    questions = {q.pk: q for q in survey.question_set.questions.all()}
    if set(scores) != set(questions):
        raise ValidationError(_("Answer every question, each with a score from 1 to 5."))
    if any(score not in range(1, 6) for score in scores.values()):
        raise ValidationError(_("Each answer is a score from 1 to 5."))
    lookup = {Survey.Context.CASE_CLOSURE: {"case": survey.case_id},
              Survey.Context.ACTIVITY: {"activity": survey.activity_id, "child": survey.child_id},
              Survey.Context.VISIT: {"visit": survey.visit_id}}[survey.context]
    if Survey.objects.filter(**lookup).exists():
        raise ValidationError(_duplicate_message(survey.context))
    survey.worker = by
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError:  # a second submission raced this one past the check above
        raise ValidationError(_duplicate_message(survey.context)) from None
    SurveyAnswer.objects.bulk_create(SurveyAnswer(survey=survey, question=questions[pk], score=score)
                                     for pk, score in scores.items())
    return survey


@transaction.atomic
def new_question_set(*, texts: list[str], note: str, by) -> QuestionSet:
    """The next version of the questions. The earlier versions and their answers stay as they were."""
    texts = [t.strip() for t in texts if t.strip()]
    if not texts:
        raise ValidationError(_("Keep at least one question."))
    if len(set(texts)) != len(texts):
        raise ValidationError(_("The same question appears twice."))
    current = QuestionSet.objects.select_for_update().order_by("-version").first()
    if current and list(current.questions.values_list("text", flat=True)) == texts:
        raise ValidationError(_("Nothing changed: the questions are the same as in the current version."))
    question_set = QuestionSet.objects.create(version=(current.version + 1) if current else 1, note=note,
                                              created_by=by)
    Question.objects.bulk_create(Question(question_set=question_set, order=n, text=t) for n, t in enumerate(texts))
    audit(user=by, action="evaluation.question_set", target=question_set, version=question_set.version)
    return question_set
