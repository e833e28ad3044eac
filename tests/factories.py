"""factory_boy factories shared by every test package."""

import random
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from pilotbase.models import (
    AuthorityKind,
    City,
    ExpertKind,
    ExpertProfile,
    Industry,
    Organization,
    OrgKind,
    PlatformType,
    Role,
    UnitType,
    User,
)
from pilotbase.reference_data import ensure_loaded
from pilotbase.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

PASSWORD = "Pilot-Test-2026!"


def credit_code(n: int | None = None) -> str:
    rnd = random.Random(n)
    body = "91" + "450100" + "".join(rnd.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check_char(body)


def city(code: str = "nanning") -> City:
    ensure_loaded()
    return City.objects.get(code=code)


def industry(code: str = "new-materials") -> Industry:
    ensure_loaded()
    return Industry.objects.get(code=code)


def platform_type(code: str = "pilot-base") -> PlatformType:
    ensure_loaded()
    return PlatformType.objects.get(code=code)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrgKind.OTHER
    unit_type = UnitType.OTHER


class AuthorityFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"测试市科学技术局{n}")
    kind = OrgKind.AUTHORITY
    unit_type = UnitType.GOVERNMENT
    authority_kind = AuthorityKind.CITY_BUREAU
    city = factory.LazyFunction(lambda: city("nanning"))


class ApplicantOrgFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"广西测试科技有限公司{n}")
    kind = OrgKind.APPLICANT
    unit_type = UnitType.ENTERPRISE
    credit_code = factory.Sequence(lambda n: credit_code(n))
    city = factory.LazyFunction(lambda: city("nanning"))
    authority = factory.SubFactory(AuthorityFactory)
    registered_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365 * 5))


class DepartmentFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"广西壮族自治区科学技术厅{n}")
    kind = OrgKind.DEPARTMENT
    unit_type = UnitType.GOVERNMENT


class AgencyFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"广西测试评估咨询有限公司{n}")
    kind = OrgKind.AGENCY
    unit_type = UnitType.ENTERPRISE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    last_name = "张"
    first_name = factory.Sequence(lambda n: f"测试{n}")
    role = Role.APPLICANT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class ApplicantUserFactory(UserFactory):
    role = Role.APPLICANT
    organization = factory.SubFactory(ApplicantOrgFactory)


class AuthorityUserFactory(UserFactory):
    role = Role.AUTHORITY
    organization = factory.SubFactory(AuthorityFactory)


class DepartmentUserFactory(UserFactory):
    role = Role.DEPARTMENT
    organization = factory.SubFactory(DepartmentFactory)


class AgencyUserFactory(UserFactory):
    role = Role.AGENCY
    organization = factory.SubFactory(AgencyFactory)


class RequesterOrgFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"广西需求企业有限公司{n}")
    kind = OrgKind.REQUESTER
    unit_type = UnitType.ENTERPRISE
    credit_code = factory.Sequence(lambda n: credit_code(500_000 + n))
    city = factory.LazyFunction(lambda: city("nanning"))


class RequesterUserFactory(UserFactory):
    role = Role.REQUESTER
    organization = factory.SubFactory(RequesterOrgFactory)


class ExpertUserFactory(UserFactory):
    role = Role.EXPERT
    organization = factory.SubFactory(OrganizationFactory, kind=OrgKind.OTHER, unit_type=UnitType.UNIVERSITY)


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(ExpertUserFactory)
    kind = ExpertKind.TECHNICAL
    title = "教授"
    city = factory.LazyFunction(lambda: city("nanning"))
    available = True

    @factory.post_generation
    def industries(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.industries.set(extracted if extracted is not None else [industry()])


class AdminUserFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True
    organization = None


# ---- applications ----------------------------------------------------------------------------
def _now():
    return timezone.now()


def _department_actor():
    """Who publishes a factory's call: the first active department user, made when the world has none."""
    from pilotbase.models import Role, User

    user = User.objects.filter(role=Role.DEPARTMENT, is_active=True).order_by("id").first()
    return user or DepartmentUserFactory()


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.Call"
        skip_postgeneration_save = True

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.Sequence(lambda n: f"{timezone.localdate().year}年度自治区中试研究基地建设申报（{n}）")
    guide = "请按建设指南要求填写申报书并上传可行性研究报告。"
    opens_at = factory.LazyFunction(lambda: _now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: _now() + timedelta(days=20))
    recommendation_deadline = factory.LazyFunction(lambda: _now() + timedelta(days=35))
    batch_number = 1

    @factory.post_generation
    def published(obj, create, extracted, **kwargs):  # noqa: N805
        """Published unless published=False; with the default attachment, indicator and checklist rows."""
        if not create:
            return
        from applications.models import CallState, CheckItem, RequiredAttachment, ScoreIndicator

        ensure_loaded()
        obj.platform_types.set(PlatformType.objects.all())
        obj.industries.set(Industry.objects.all())
        RequiredAttachment.objects.create(call=obj, code="feasibility", name="可行性研究报告", order=1,
                                          allowed_types="pdf", max_size_mb=20)
        RequiredAttachment.objects.create(call=obj, code="license", name="营业执照（副本）扫描件", order=2,
                                          allowed_types="pdf,jpg,png", max_size_mb=10)
        RequiredAttachment.objects.create(call=obj, code="agreement", name="联合共建协议", order=3,
                                          consortium_only=True, allowed_types="pdf", max_size_mb=20)
        for i, (name, score) in enumerate([("能力条件", 30), ("人才队伍", 25), ("管理机制", 20),
                                           ("产业需求与服务方案", 25)], start=1):
            ScoreIndicator.objects.create(call=obj, name=name, max_score=Decimal(score), order=i)
        ScoreIndicator.objects.create(call=obj, name="存在科研失信记录", is_veto=True, max_score=0, order=9)
        for i, text in enumerate(["申报书及附件齐全", "申报单位符合申报条件", "推荐函已盖章"], start=1):
            CheckItem.objects.create(call=obj, text=text, order=i)
        if extracted is not False:
            from pilotbase.workflow import transition_run

            # Published through the transition (its permission and conditions), by the department's first user:
            # the state a test starts from is one the portal could have built (no UPDATE of the state).
            transition_run(instance=obj, name="publish", actor=_department_actor(), expected_state=CallState.DRAFT)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft: every section filled, rows present; attachments via `with_attachments`."""

    class Meta:
        model = "applications.Application"
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    applicant = factory.SubFactory(ApplicantOrgFactory)
    authority = factory.LazyAttribute(lambda a: a.applicant.authority)
    name = "广西新材料科技成果转化中试研究基地"
    industry = factory.LazyFunction(industry)
    platform_type = factory.LazyFunction(platform_type)
    basis_kind = "key_lab"
    basis_name = "广西新材料重点实验室"
    basis_level = "regional"
    contact_name = "李工"
    contact_phone = "0771-5555555"
    contact_email = "contact@example.cn"
    summary = "面向新材料产业提供中试放大服务。"
    site_area = Decimal("3000")
    pilot_line_count = 2
    pilot_lines = "两条中试线"
    outside_projects = 25
    safety_facilities = "具备安全环保设施和制度。"
    team_summary = "专职团队20人。"
    internal_rules = "内部管理制度健全。"
    service_procedure = "对外服务承接程序明确。"
    fee_standard = "按成本加合理利润收费。"
    services = "中试放大、工艺验证、熟化服务。"
    construction_plan = "三年建设计划。"
    construction_years = 3
    targets = "三年服务企业50家。"
    funding_total = Decimal("20000000")
    funding_self = Decimal("15000000")
    funding_requested = Decimal("5000000")
    commitment = True

    @factory.post_generation
    def rows(obj, create, extracted, **kwargs):  # noqa: N805
        if not create or extracted is False:
            return
        from applications.models import Equipment, TeamMember

        Equipment.objects.create(application=obj, name="中试反应釜", quantity=2, original_value=Decimal("8000000"))
        Equipment.objects.create(application=obj, name="检测分析仪", quantity=1, original_value=Decimal("4000000"))
        for i in range(12):
            TeamMember.objects.create(application=obj, name=f"成员{i}", title="高级工程师", field="材料",
                                      is_fulltime=True, is_technical=i < 8)
