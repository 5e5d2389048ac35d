"""Factories other apps' tests use to make children. Keep every required field defaulted here."""

import datetime

import factory

from children.models import Benefit, BenefitEnrolment, Category, Child, ChildCategory, HouseholdMember, Parent, RiskLevel


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    name = factory.Sequence(lambda n: f"测试儿童{n}")
    sex = Child.Sex.FEMALE
    birth_date = datetime.date(2015, 3, 1)
    # A village of 赤坎区 unless a test says otherwise.
    residence_id = "440802001001"
    risk_level = RiskLevel.MEDIUM_HIGH


class ParentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parent

    child = factory.SubFactory(ChildFactory)
    kind = Parent.Kind.FATHER
    name = factory.Sequence(lambda n: f"测试家长{n}")
    situation = Parent.Situation.WORKING_AWAY
    work_place = "广东省深圳市"


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    child = factory.SubFactory(ChildFactory)
    name = factory.Sequence(lambda n: f"家庭成员{n}")
    relation = "祖母"


class ChildCategoryFactory(factory.django.DjangoModelFactory):
    """Tags a child with a category loaded by the reference-data migration (留守 unless told)."""

    class Meta:
        model = ChildCategory

    child = factory.SubFactory(ChildFactory)
    category = factory.LazyFunction(lambda: Category.objects.get(code="left_behind"))
    recognised_on = datetime.date(2025, 9, 1)
    basis = "摸底排查核实"


class BenefitEnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitEnrolment

    child = factory.SubFactory(ChildFactory)
    benefit = factory.LazyFunction(lambda: Benefit.objects.get(code="minimum_living"))
    status = BenefitEnrolment.Status.RECEIVING
