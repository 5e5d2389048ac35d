"""Factories other apps' tests use to make children. Keep every required field defaulted here."""

import datetime

import factory

from children.models import Child, RiskLevel


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    name = factory.Sequence(lambda n: f"测试儿童{n}")
    sex = Child.Sex.FEMALE
    birth_date = datetime.date(2015, 3, 1)
    # A village of 赤坎区 unless a test says otherwise.
    residence_id = "440802001001"
    risk_level = RiskLevel.MEDIUM_HIGH
