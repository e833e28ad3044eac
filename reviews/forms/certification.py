"""Forms of the notice, objections, certification and plaque. Validation only; services do the work."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from pilotbase.formats import batch_label
from pilotbase.inputs import CleanTextMixin
from pilotbase.models import BaseStatus, City, Industry
from pilotbase.refcache import ReferenceChoiceField
from pilotbase.uploads import upload_check
from pilotbase.validators import validate_phone

from ..models import NoticeEntry, NoticeEntryState

EVIDENCE_TYPES = ["pdf", "jpg", "png"]
EVIDENCE_MAX_MB = 10


def _lazy_format(message: str, **params) -> str:
    """`message % params`, translated and formatted when shown (in the reader's language), not at import."""
    return lazy(lambda: str(message) % params, str)()


def _required(label: str) -> dict:
    return {"required": _lazy_format(_("请填写%(label)s。"), label=label)}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NoticeCreateForm(CleanTextMixin, forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label=_("拟公示名单"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个拟公示的申报。")},
        help_text=_("按评估论证综合得分从高到低排列，勾选拟公示的单位。"),
    )
    title = forms.CharField(label=_("公示标题"), max_length=200, error_messages=_required(_("公示标题")))
    body = forms.CharField(label=_("公示说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DateInput(), error_messages=_required(_("公示开始日期")))
    contact = forms.CharField(label=_("异议受理联系方式"), max_length=200, required=False,
                              help_text=_("例如：成果转化与区域创新处，电话 0771-xxxxxxx"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.fields["applications"].queryset = candidates
        self.fields["applications"].label_from_instance = (
            lambda a: f"{a.name}（{a.applicant}，综合得分 {a.assessment.total_score}）")

    def ranked_applications(self) -> list:
        chosen = {a.pk for a in self.cleaned_data["applications"]}
        return [a for a in self.candidates if a.pk in chosen]


class ObjectionForm(CleanTextMixin, forms.Form):
    """公开异议: an individual signs with name + phone, a unit gives its name + phone."""

    KIND_PERSON, KIND_ORG = "person", "org"

    entry = forms.ModelChoiceField(label=_("异议对象"), queryset=NoticeEntry.objects.none(),
                                   empty_label=_("请选择公示名单中的单位"),
                                   error_messages={"required": _("请选择异议对象。"),
                                                   "invalid_choice": _("请选择公示名单中的单位。")})
    objector_kind = forms.ChoiceField(label=_("异议人类型"), choices=[(KIND_PERSON, _("个人")), (KIND_ORG, _("单位"))],
                                      widget=forms.RadioSelect, initial=KIND_PERSON,
                                      error_messages={"required": _("请选择以个人还是单位名义提出异议。")})
    objector_name = forms.CharField(label=_("姓名"), max_length=40, required=False,
                                    help_text=_("以个人名义提出的，须署真实姓名。"))
    objector_org = forms.CharField(label=_("单位名称"), max_length=120, required=False,
                                   help_text=_("以单位名义提出的，须填写单位全称（书面材料加盖公章）。"))
    objector_phone = forms.CharField(label=_("联系电话"), max_length=20, error_messages=_required(_("联系电话")),
                                     validators=[validate_phone])
    content = forms.CharField(label=_("异议内容及理由"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
                              error_messages=_required(_("异议内容及理由")))
    evidence = forms.FileField(label=_("证明材料（可选）"), required=False,
                               help_text=_lazy_format(_("PDF、JPG 或 PNG，不超过 %(n)d MB。"), n=EVIDENCE_MAX_MB))

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = (notice.entries.filter(state=NoticeEntryState.LISTED)
                                         .select_related("application", "base"))
        self.fields["entry"].label_from_instance = lambda e: e.subject_name

    def clean_content(self) -> str:
        content = self.cleaned_data["content"].strip()
        if len(content) < 10:
            raise forms.ValidationError(_("请具体写明异议内容及理由（不少于10个字）。"))
        return content

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        checked = upload_check(uploaded_file=upload, allowed=EVIDENCE_TYPES, max_size_mb=EVIDENCE_MAX_MB,
                               match_name=False)
        upload.name = f"evidence.{checked.extension}"
        return upload

    def clean(self):
        data = super().clean()
        kind = data.get("objector_kind")
        if kind == self.KIND_PERSON:
            if not (data.get("objector_name") or "").strip():
                self.add_error("objector_name", _("以个人名义提出异议的，请填写真实姓名。"))
            data["objector_org"] = ""
        elif kind == self.KIND_ORG and not (data.get("objector_org") or "").strip():
            self.add_error("objector_org", _("以单位名义提出异议的，请填写单位名称。"))
        return data


class ObjectionHandleForm(CleanTextMixin, forms.Form):
    decision = forms.ChoiceField(label=_("处理结论"), widget=forms.RadioSelect,
                                 choices=[("uphold", _("异议成立（撤出公示名单，不予认定）")),
                                          ("dismiss", _("异议不成立（保留在公示名单）"))],
                                 error_messages={"required": _("请选择处理结论。")})
    resolution = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 4}),
                                 error_messages=_required(_("处理意见")))

    # What an upheld objection does on a notice of bases (a round's results): the line stays, staff may change it.
    BASE_CHOICES = [("uphold", _("异议成立（公布前可调整该基地的公示内容，如考核等次）")),
                    ("dismiss", _("异议不成立（维持公示内容）"))]

    def __init__(self, *args, about_base: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if about_base:
            self.fields["decision"].choices = self.BASE_CHOICES


class CertifyForm(CleanTextMixin, forms.Form):
    certified_on = forms.DateField(label=_("认定日期"), widget=DateInput(), initial=timezone.localdate,
                                   error_messages=_required(_("认定日期")))


class PlaqueForm(CleanTextMixin, forms.Form):
    plaque_issued_on = forms.DateField(label=_("标牌颁发日期"), widget=DateInput(),
                                       error_messages=_required(_("标牌颁发日期")))
    plaque_received_by = forms.CharField(label=_("标牌领取人"), max_length=60, error_messages=_required(_("标牌领取人")))


class BaseFilterForm(CleanTextMixin, forms.Form):
    """Search and filters of the base lists (staff and public)."""

    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("基地名称、牵头或共建单位、证书编号")}))
    city = ReferenceChoiceField(City, label=_("设区市"), required=False, empty_label=_("全部设区市"))
    industry = ReferenceChoiceField(Industry, label=_("产业领域"), required=False, empty_label=_("全部产业领域"))
    batch = forms.TypedChoiceField(label=_("批次"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *BaseStatus.choices])

    def __init__(self, *args, batches: list[int] = (), staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].choices = [("", _("全部批次"))] + [(b, batch_label(b)) for b in batches]
        if not staff:
            del self.fields["state"]


def base_filters(data, *, batches: list[int], staff: bool) -> tuple[BaseFilterForm, dict, str]:
    """The bound filter form, its valid values and the query string for paging."""
    form = BaseFilterForm(data or None, batches=batches, staff=staff)
    form.is_valid()  # a bad value drops its own filter only: cleaned_data keeps the valid ones
    filters = getattr(form, "cleaned_data", {})
    params = data.copy()
    params.pop("page", None)
    return form, filters, params.urlencode()
