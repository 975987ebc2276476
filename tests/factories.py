"""factory-boy factories for the directory and accounts."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from spotcheck.accounts.models import Department, Role, User
from spotcheck.directory.creditcode import make_code
from spotcheck.directory.models import CheckItem, Inspector, Target


class DepartmentFactory(DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"测试科室{n}")


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.SECTION
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("pw-for-tests-1")


class CheckItemFactory(DjangoModelFactory[CheckItem]):
    class Meta:
        model = CheckItem

    code = factory.Sequence(lambda n: f"ITEM-{n:03d}")
    name = factory.Sequence(lambda n: f"检查事项{n}")
    legal_basis = "《单用途商业预付卡管理办法（试行）》"
    department = factory.SubFactory(DepartmentFactory)
    content = "检查备案、资金存管情况"
    disclosure_channel = "区政府门户网站"
    target_kinds = ["enterprise"]


class TargetFactory(DjangoModelFactory[Target]):
    class Meta:
        model = Target
        skip_postgeneration_save = True

    credit_code = factory.Sequence(lambda n: make_code("91", "640106", f"{n:09d}"))
    name = factory.Sequence(lambda n: f"金凤测试商贸有限公司{n}")
    kind = "enterprise"
    industry_code = "F5211"
    industry_name = "百货零售"
    region = "黄河东路街道"
    credit_class = "B"

    @factory.post_generation
    def departments(
        self, create: bool, extracted: list[Department] | None, **kwargs: object
    ) -> None:
        if create:
            self.departments.set(extracted or [DepartmentFactory(code="dept-default")])


class InspectorFactory(DjangoModelFactory[Inspector]):
    class Meta:
        model = Inspector

    cert_no = factory.Sequence(lambda n: f"64010620{n:06d}")
    name = factory.Sequence(lambda n: f"执法员{n}")
    department = factory.SubFactory(DepartmentFactory)
    # Valid from two years ago to three years ahead of the day the inspector is built.
    cert_valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=730))
    cert_valid_to = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=1095))
