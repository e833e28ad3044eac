"""The API's field names: English snake_case, stable across versions of /api/v1/ (a rename is a new version).

Codes (`status`, `grade`, `city.code` …) are stable identifiers; the `*_label` and `name` fields are the Chinese
text the portal shows. Every field is named here: nothing is serialised by default (docs/api.md lists them).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evaluations.models import Grade
from pilotbase.models import BaseStatus, CertificateState
from reviews.models import NoticeKind, NoticeState


class ReferenceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="稳定代码，可用作筛选参数")
    name = serializers.CharField(help_text="中文名称")


class GradeSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="考核年度")
    grade = serializers.ChoiceField(choices=Grade.choices, help_text="考核等次代码")
    grade_label = serializers.CharField(help_text="考核等次")


class ServiceSerializer(serializers.Serializer):
    """A public catalogue entry (sharing.ServiceOffering). Contacts marked private are never read."""

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="服务类型代码")
    kind_label = serializers.CharField(help_text="服务类型")
    title = serializers.CharField(help_text="服务名称")
    description = serializers.CharField(help_text="服务内容")
    equipment = serializers.CharField(help_text="可提供的设备")
    capacity = serializers.CharField(help_text="服务能力")
    lead_time = serializers.CharField(help_text="周期")
    fee_standard = serializers.CharField(help_text="收费标准")
    accepts_vouchers = serializers.BooleanField(help_text="是否接受科技创新券")
    contact = serializers.CharField(allow_null=True, help_text="联系方式（仅在基地选择公开时给出，否则为 null）")

    def to_representation(self, instance):
        return offering_data(instance)


def offering_data(o) -> dict:
    """A `sharing.ServiceOffering` by its public fields only (what the directory page shows); the contact only when
    the base made it public."""
    return {
        "id": o.pk,
        "kind": o.kind,
        "kind_label": str(o.get_kind_display()),
        "title": o.title,
        "description": o.description,
        "equipment": o.equipment,
        "capacity": o.capacity,
        "lead_time": o.lead_time,
        "fee_standard": o.fee_standard,
        "accepts_vouchers": o.accepts_vouchers,
        "contact": o.contact if o.contact_public else None,
    }


class BaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="基地名称")
    lead_unit = serializers.CharField(source="lead_unit.name", help_text="牵头单位")
    partner_units = serializers.SerializerMethodField(help_text="共建单位")
    city = ReferenceSerializer(help_text="所在设区市")
    industry = ReferenceSerializer(help_text="产业领域")
    platform_type = ReferenceSerializer(help_text="平台类型")
    batch = serializers.IntegerField(help_text="认定批次（第几批）")
    certified_on = serializers.DateField(help_text="认定日期")
    status = serializers.ChoiceField(source="state", choices=BaseStatus.choices,
                                     help_text="active 运行中 / rectifying 整改中 / revoked 已撤销认定")
    status_label = serializers.SerializerMethodField(help_text="状态")
    rectifying_since = serializers.SerializerMethodField(help_text="整改下达日期（仅整改中）")
    rectification_deadline = serializers.SerializerMethodField(help_text="整改期限（仅整改中）")
    revoked_on = serializers.SerializerMethodField(help_text="撤销认定日期（仅已撤销）")
    certificate_number = serializers.SerializerMethodField(help_text="认定证书编号")
    latest_grade = serializers.SerializerMethodField(help_text="最近一次已公布的考核等次")
    services = serializers.SerializerMethodField(help_text="对外服务目录（公开条目）")
    url = serializers.SerializerMethodField(help_text="本记录的接口地址")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_partner_units(self, obj) -> list[str]:
        return [o.name for o in obj.partner_units.all()]

    def get_status_label(self, obj) -> str:
        return str(BaseStatus(obj.state).label)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_rectifying_since(self, obj):
        at = getattr(obj, "rectifying_since", None)
        return timezone.localdate(at).isoformat() if at and obj.state == BaseStatus.RECTIFYING else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_rectification_deadline(self, obj):
        day = getattr(obj, "rectification_deadline", None)
        return day.isoformat() if day and obj.state == BaseStatus.RECTIFYING else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_revoked_on(self, obj):
        day = getattr(obj, "revoked_on", None)
        return day.isoformat() if day and obj.state == BaseStatus.REVOKED else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_certificate_number(self, obj):
        certificate = getattr(obj, "certificate", None) if hasattr(obj, "certificate") else None
        return certificate.number if certificate else None

    @extend_schema_field(GradeSerializer(allow_null=True))
    def get_latest_grade(self, obj):
        if not getattr(obj, "latest_grade", None):
            return None
        return {"year": obj.latest_grade_year, "grade": obj.latest_grade, "grade_label": str(Grade(obj.latest_grade).label)}

    @extend_schema_field(ServiceSerializer(many=True))
    def get_services(self, obj) -> list:
        return [offering_data(o) for o in getattr(obj, "public_services", [])]

    def get_url(self, obj) -> str:
        return reverse("api:base_detail", args=[obj.pk])


NOTICE_STATUS_CHOICES = [c for c in NoticeState.choices if c[0] != NoticeState.DRAFT]  # the public never sees a draft


class NoticeEntrySerializer(serializers.Serializer):
    no = serializers.IntegerField(help_text="序号")
    name = serializers.CharField(help_text="基地名称（拟认定名单：拟认定基地；考核结果公示：已认定基地）")
    lead_unit = serializers.CharField(help_text="牵头单位")
    partner_units = serializers.ListField(child=serializers.CharField(), help_text="共建单位")
    city = serializers.CharField(help_text="所在设区市")
    industry = serializers.CharField(help_text="产业领域")
    text = serializers.CharField(help_text="公示内容（考核结果公示为考核等次；拟认定名单为空）")


def _entry_data(no: int, entry) -> dict:
    """A line of the list as the public page shows it: an application (拟认定名单) or a base (考核结果公示)."""
    if entry.base_id:
        base = entry.base
        return {"no": no, "name": base.name, "lead_unit": base.lead_unit.name,
                "partner_units": [o.name for o in base.partner_units.all()], "city": base.city.name,
                "industry": base.industry.name, "text": entry.text}
    app = entry.application
    city = app.applicant.city or (app.authority.city if app.authority_id else None)
    return {"no": no, "name": app.name, "lead_unit": app.applicant.name,
            "partner_units": [p.organization.name for p in app.partners.all()],
            "city": city.name if city else "", "industry": app.industry.name if app.industry_id else "",
            "text": entry.text}


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="公示标题")
    kind = serializers.ChoiceField(choices=NoticeKind.choices,
                                   help_text="certification 拟认定名单公示 / evaluation 绩效考核结果公示")
    kind_label = serializers.SerializerMethodField(help_text="公示类别")
    year = serializers.SerializerMethodField(help_text="年度：拟认定名单为申报年度，考核结果公示为考核年度")
    status = serializers.ChoiceField(source="state", choices=NOTICE_STATUS_CHOICES,
                                     help_text="published 公示中 / closed 已结束")
    status_label = serializers.SerializerMethodField(help_text="状态")
    starts_on = serializers.DateField(help_text="公示开始日期")
    last_day = serializers.DateField(help_text="公示截止日期（最后一个工作日）")
    entry_count = serializers.IntegerField(help_text="名单条数")
    url = serializers.SerializerMethodField(help_text="本记录的接口地址")
    page_url = serializers.SerializerMethodField(help_text="公示页面地址")

    def get_kind_label(self, obj) -> str:
        return str(NoticeKind(obj.kind).label)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_year(self, obj) -> int | None:
        if obj.call_id:
            return obj.call.year
        rnd = getattr(obj, "evaluation_round", None) if obj.kind == NoticeKind.EVALUATION else None
        return rnd.year if rnd else None

    def get_status_label(self, obj) -> str:
        return str(NoticeState(obj.state).label)

    def get_url(self, obj) -> str:
        return reverse("api:notice_detail", args=[obj.pk])

    def get_page_url(self, obj) -> str:
        return reverse("public:notice_detail", args=[obj.pk])


class NoticeDetailSerializer(NoticeSerializer):
    body = serializers.CharField(help_text="公示说明")
    contact = serializers.CharField(help_text="异议受理联系方式（公示所列）")
    accepting_objections = serializers.SerializerMethodField(help_text="是否仍受理异议")
    entries = serializers.SerializerMethodField(help_text="拟认定名单")

    def get_accepting_objections(self, obj) -> bool:
        return obj.state == NoticeState.PUBLISHED

    @extend_schema_field(NoticeEntrySerializer(many=True))
    def get_entries(self, obj) -> list:
        return [_entry_data(i, e) for i, e in enumerate(obj.public_entries, start=1)]


class RoundSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="考核年度")
    title = serializers.CharField(help_text="考核名称")
    base_count = serializers.IntegerField(help_text="参加考核的基地数")
    published_on = serializers.SerializerMethodField(help_text="公布日期")
    url = serializers.SerializerMethodField(help_text="本记录的接口地址")
    page_url = serializers.SerializerMethodField(help_text="结果页面地址")

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_published_on(self, obj):
        at = getattr(obj, "published_at", None)
        return timezone.localdate(at).isoformat() if at else None

    def get_url(self, obj) -> str:
        return reverse("api:result_detail", args=[obj.year])

    def get_page_url(self, obj) -> str:
        return reverse("public:evaluation_results", args=[obj.year])


class ResultRowSerializer(serializers.Serializer):
    no = serializers.IntegerField(help_text="序号")
    base_name = serializers.CharField(help_text="基地名称")
    lead_unit = serializers.CharField(help_text="牵头单位")
    city = serializers.CharField(help_text="所在设区市")
    grade = serializers.ChoiceField(choices=Grade.choices, help_text="考核等次代码")
    grade_label = serializers.CharField(help_text="考核等次")
    total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True,
                                     help_text="总分（仅当该年度公布分数时，否则为 null）")


class GradeCountSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    grade_label = serializers.CharField()
    count = serializers.IntegerField()


class RoundDetailSerializer(RoundSerializer):
    scores_public = serializers.BooleanField(help_text="是否公布分数")
    counts = GradeCountSerializer(many=True, help_text="各等次基地数")
    results = ResultRowSerializer(many=True, help_text="考核结果（优秀在前，同等次按基地名称）")


class CertificateBaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="基地名称")
    lead_unit = serializers.CharField(source="lead_unit.name", help_text="牵头单位")
    city = serializers.CharField(source="city.name", help_text="所在设区市")
    status = serializers.ChoiceField(source="state", choices=BaseStatus.choices, help_text="基地状态")
    status_label = serializers.SerializerMethodField(help_text="基地状态")
    url = serializers.SerializerMethodField(help_text="基地的接口地址")

    def get_status_label(self, obj) -> str:
        return str(BaseStatus(obj.state).label)

    def get_url(self, obj) -> str:
        return reverse("api:base_detail", args=[obj.pk])


class CertificateSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="证书编号")
    status = serializers.ChoiceField(source="state", choices=CertificateState.choices,
                                     help_text="valid 有效 / revoked 已撤销 / pending 生成中")
    status_label = serializers.SerializerMethodField(help_text="状态")
    valid = serializers.SerializerMethodField(help_text="证书当前是否有效")
    issued_on = serializers.DateField(help_text="发证日期")
    revoked_on = serializers.DateField(allow_null=True, help_text="撤销日期（仅已撤销）")
    base = CertificateBaseSerializer(help_text="证书所属基地")
    verify_url = serializers.SerializerMethodField(help_text="核验页面地址（证书二维码所指）")

    def get_status_label(self, obj) -> str:
        return str(CertificateState(obj.state).label)

    def get_valid(self, obj) -> bool:
        return obj.state == CertificateState.VALID

    def get_verify_url(self, obj) -> str:
        return reverse("public:verify", args=[obj.token])
