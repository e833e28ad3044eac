"""Forms of the public pages: a unit's self-registration (an applicant unit or a service requester), and the
authority's rejection reason."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from pilotbase.inputs import CleanTextMixin
from pilotbase.models import AuthorityKind, City, Organization, OrgKind
from pilotbase.models.registration import REQUESTER_UNIT_TYPES, SELF_REGISTERING, RegistrationKind
from pilotbase.registration import credit_code_problem, login_problem
from pilotbase.validators import validate_credit_code, validate_phone
from reviews.forms.certification import BaseFilterForm
from sharing.models import ServiceKind


def _required(label) -> dict:
    return {"required": _("请填写%(field)s。") % {"field": label}}


class AuthorityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return str(obj)


class PasswordPairMixin:
    """password1/password2: the same twice, and strong enough (the project's password rules)."""

    def clean_password_pair(self, data: dict) -> None:
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)


class RegistrationForm(PasswordPairMixin, CleanTextMixin, forms.Form):
    """An applicant unit's: four sections, the unit, its recommending authority, the contact, the account."""

    KIND = RegistrationKind.APPLICANT

    # 单位信息
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=1,
                                  help_text=_("18位，见营业执照或事业单位法人证书。"),
                                  error_messages=_required(_("统一社会信用代码")))
    name = forms.CharField(label=_("单位名称"), max_length=120, help_text=_("与营业执照或法人证书上的名称一致。"),
                           error_messages=_required(_("单位名称")))
    unit_type = forms.ChoiceField(label=_("单位性质"), choices=[("", _("请选择"))] + [(t.value, t.label) for t in SELF_REGISTERING],
                                  error_messages={"required": _("请选择单位性质。")})
    city = forms.ModelChoiceField(label=_("所在设区市"), queryset=City.objects.all(), empty_label=_("请选择"),
                                  error_messages={"required": _("请选择所在设区市。")})
    # 推荐单位
    authority = AuthorityChoice(
        label=_("推荐单位"), queryset=Organization.objects.none(), empty_label=_("请选择"),
        help_text=_("设区市的单位选择所在市科技局；自治区直属单位（高校、院所等）选择其主管部门。推荐单位审核通过后方可申报。"),
        error_messages={"required": _("请选择推荐单位。"), "invalid_choice": _("请从列表中选择推荐单位。")})
    # 联系人
    contact_name = forms.CharField(label=_("联系人姓名"), max_length=40, error_messages=_required(_("联系人姓名")))
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, validators=[validate_phone],
                                    error_messages=_required(_("联系电话")))
    contact_email = forms.EmailField(label=_("电子邮箱"), max_length=254,
                                     help_text=_("我们将向该邮箱发送确认链接，审核结果也发到这里。"),
                                     error_messages={**_required(_("电子邮箱")), "invalid": _("请填写有效的电子邮箱。")})
    # 账号
    username = forms.CharField(label=_("用户名"), max_length=150, validators=[UnicodeUsernameValidator()],
                               help_text=_("登录用，可用字母、数字和 @ . + - _。"), error_messages=_required(_("用户名")))
    password1 = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html(),
                                error_messages=_required(_("密码")))
    password2 = forms.CharField(label=_("再次输入密码"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages=_required(_("确认密码")))

    SECTIONS = (
        (_("单位信息"), ("credit_code", "name", "unit_type", "city")),
        (_("推荐单位"), ("authority",)),
        (_("联系人"), ("contact_name", "contact_phone", "contact_email")),
        (_("登录账号"), ("username", "password1", "password2")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "authority" in self.fields:
            self.fields["authority"].queryset = (
                Organization.objects.filter(kind=OrgKind.AUTHORITY, is_active=True)
                .order_by("-authority_kind", "city__code", "name"))

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_credit_code(self) -> str:
        code = self.cleaned_data["credit_code"].strip().upper()
        validate_credit_code(code)
        problem = credit_code_problem(code, self.KIND)
        if problem:
            raise forms.ValidationError(problem, code="taken")
        return code

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Organization.objects.filter(name=name).exists():
            raise forms.ValidationError(_("已有同名单位注册，请核对单位名称，或联系本单位已有账号的用户。"), code="taken")
        return name

    def clean(self):
        data = super().clean()
        city, authority = data.get("city"), data.get("authority")
        if city and authority and authority.authority_kind == AuthorityKind.CITY_BUREAU and authority.city_id != city.pk:
            self.add_error("authority", _("%(authority)s 只推荐%(city)s的单位，请选择所在市科技局或自治区主管部门。")
                           % {"authority": authority, "city": authority.city})
        if data.get("username") and data.get("contact_email"):
            for field, message in login_problem(username=data["username"], email=data["contact_email"]).items():
                self.add_error(field, message)
        self.clean_password_pair(data)
        return data

    def model_data(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("credit_code", "name", "unit_type", "city", "authority", "contact_name",
                                  "contact_phone", "contact_email", "username")}


class RequesterRegistrationForm(RegistrationForm):
    """A service requester's (服务需求方): the same unit, contact and account, no recommending authority (nobody
    approves it: the confirmed e-mail opens the account)."""

    KIND = RegistrationKind.REQUESTER
    authority = None
    unit_type = forms.ChoiceField(
        label=_("单位性质"), choices=[("", _("请选择"))] + [(t.value, t.label) for t in REQUESTER_UNIT_TYPES],
        help_text=_("以企业为主；高校、科研院所、园区等有中试服务需求的单位也可注册。"),
        error_messages={"required": _("请选择单位性质。")})

    SECTIONS = (
        (_("单位信息"), ("credit_code", "name", "unit_type", "city")),
        (_("联系人"), ("contact_name", "contact_phone", "contact_email")),
        (_("登录账号"), ("username", "password1", "password2")),
    )

    OUTSIDE = "outside"
    city = forms.ChoiceField(label=_("所在地"), help_text=_("广西区外的单位请选择最后一项“广西区外”。"),
                             error_messages={"required": _("请选择所在设区市，或“广西区外”。"),
                                             "invalid_choice": _("请选择所在设区市，或“广西区外”。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_email"].help_text = _("我们将向该邮箱发送确认链接，确认后账号即开通。")
        self.fields["city"].choices = ([("", _("请选择"))] + [(str(c.pk), str(c)) for c in City.objects.all()]
                                       + [(self.OUTSIDE, _("广西区外"))])

    def clean_city(self):
        value = self.cleaned_data["city"]
        return None if value == self.OUTSIDE else City.objects.get(pk=value)

    def model_data(self) -> dict:
        d = self.cleaned_data
        return {"kind": self.KIND, **{k: d[k] for k in ("credit_code", "name", "unit_type", "city", "contact_name",
                                                         "contact_phone", "contact_email", "username")}}


class RejectForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(label=_("不予通过的理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                             help_text=_("将通过电子邮件告知申请人，请写明需要更正或补充的内容。"),
                             error_messages={"required": _("请填写不予通过的理由，申请人将收到该理由。")})


class InviteForm(CleanTextMixin, forms.Form):
    email = forms.EmailField(label=_("同事的电子邮箱"), max_length=254,
                             help_text=_("我们将向该邮箱发送邀请链接，同事据此设置用户名和密码，加入本单位。"),
                             error_messages={**_required(_("电子邮箱")), "invalid": _("请填写有效的电子邮箱。")})


class AcceptInviteForm(PasswordPairMixin, CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40, error_messages=_required(_("姓名")))
    username = forms.CharField(label=_("用户名"), max_length=150, validators=[UnicodeUsernameValidator()],
                               help_text=_("登录用，可用字母、数字和 @ . + - _。"), error_messages=_required(_("用户名")))
    password1 = RegistrationForm.base_fields["password1"]
    password2 = RegistrationForm.base_fields["password2"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if login_problem(username=username, email="").get("username"):
            raise forms.ValidationError(_("该用户名已被使用，请换一个。"), code="taken")
        return username

    def clean(self):
        data = super().clean()
        self.clean_password_pair(data)
        return data


CERTIFICATE_CHECK_MAX_MB = 10  # an issued certificate is about 100 KB


class CertificateCheckForm(forms.Form):
    """A PDF a visitor holds, to be compared with the certificates the portal issued (never stored)."""

    pdf = forms.FileField(label=_("证书电子文件（PDF）"),
                          help_text=_("选择您收到的证书PDF文件，系统将核对它是否为本平台签发的原件、是否被改动过。"
                                      "文件仅用于本次核对，不会保存。"),
                          error_messages={"required": _("请选择要核验的证书PDF文件。")})

    def clean_pdf(self):
        from django.core.exceptions import ValidationError

        from pilotbase.uploads import upload_check

        uploaded = self.cleaned_data["pdf"]
        try:
            upload_check(uploaded_file=uploaded, allowed=["pdf"], max_size_mb=CERTIFICATE_CHECK_MAX_MB,
                         match_name=False)
        except ValidationError as exc:
            # A damaged or doctored PDF is still a PDF to judge (it is hashed and parsed, never stored or shown):
            # only what is not a PDF at all, empty or too big is refused.
            if getattr(exc, "code", None) not in ("pdf_active", "pdf_unreadable"):
                raise
        return uploaded


class DirectoryFilterForm(BaseFilterForm):
    """The public directory's filter bar: the base list's (search, city, industry, batch) plus the service
    catalogue's kind and whether the base takes 科技创新券 (sharing.ServiceOffering, public entries only)."""

    service_kind = forms.ChoiceField(label=_("服务类型"), required=False,
                                     choices=[("", _("全部服务类型")), *ServiceKind.choices])
    vouchers = forms.BooleanField(label=_("接受科技创新券"), required=False)
