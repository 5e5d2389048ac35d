"""The first question set of the client follow-up survey and the default sampling targets (docs/evaluation.md).
The lead edits both in the browser; an edit of the questions makes a new version."""

from django.db import migrations

QUESTIONS = [
    "社工的服务态度让您满意吗？",
    "社工来得及时吗，需要时找得到人吗？",
    "社工的帮助解决了您家的问题吗？",
    "孩子现在觉得更安全、过得更好了吗？",
]
TARGETS = [("case_closure", 30), ("activity", 100), ("visit", 5)]


def load(apps, schema_editor):
    QuestionSet = apps.get_model("evaluation", "QuestionSet")
    Question = apps.get_model("evaluation", "Question")
    SamplingTarget = apps.get_model("evaluation", "SamplingTarget")
    if not QuestionSet.objects.exists():
        question_set = QuestionSet.objects.create(version=1, note="初始问卷")
        for order, text in enumerate(QUESTIONS):
            Question.objects.create(question_set=question_set, order=order, text=text)
    for context, percent in TARGETS:
        SamplingTarget.objects.get_or_create(context=context, defaults={"percent": percent})


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
