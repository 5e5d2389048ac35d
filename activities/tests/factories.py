"""Factories for activities and articles (children come from children.tests.factories.ChildFactory)."""

import datetime

import factory
from django.utils import timezone

from accounts.dates import SHANGHAI
from accounts.models import Role, User
from activities.models import Activity, ActivityKind, Article


def shanghai(*args) -> datetime.datetime:
    """An aware datetime given in Shanghai wall-clock time: shanghai(2026, 4, 14, 23, 30)."""
    return datetime.datetime(*args, tzinfo=SHANGHAI)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff{n}")
    role = Role.SOCIAL_WORKER


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = ActivityKind.COMMUNITY_EDUCATION
    topic = Activity.Topic.DROWNING
    title = factory.Sequence(lambda n: f"防溺水安全教育{n}")
    status = Activity.Status.HELD
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    place_id = "440802001001"  # a village of 赤坎区
    venue = "村委会活动室"
    summary = "讲解防溺水知识，演示求救方法。"
    organiser = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("organiser")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    kind = Article.Kind.ACTIVITY_REPORT
    title = factory.Sequence(lambda n: f"守护童年，平安过暑假{n}")
    body = "<p>小明（化名）和伙伴们一起学习防溺水知识。</p>"
    author = factory.SubFactory(UserFactory)
