from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from pilotbase.models import Base, Industry, Organization, PlatformType
from pilotbase.workflow import condition

from ..rules import perm_applicant, perm_authority, perm_authority_or_department, perm_department
from .call import Call, RequiredAttachment


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待推荐单位审核")
    RETURNED = "returned", _("退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")
    DECLINED = "declined", _("未获推荐")
    RECOMMENDED = "recommended", _("拟推荐")
    UNDER_REVIEW = "under_review", _("评审中")
    REJECTED = "rejected", _("未通过")
    ON_NOTICE = "on_notice", _("公示中")
    CERTIFIED = "certified", _("已认定")


class BasisKind(models.TextChoices):
    KEY_LAB = "key_lab", _("重点实验室")
    TECH_CENTER = "tech_center", _("技术创新中心")
    ENG_RESEARCH_CENTER = "eng_center", _("工程研究中心")
    ENG_LAB = "eng_lab", _("工程实验室")
    NEW_RD = "new_rd", _("新型研发机构")
    OTHER = "other", _("其他平台")


class CultivationSupport(models.TextChoices):
    """相关培育支持 (五.(一)): whether the project has had related cultivation support before applying; 建设支持 goes
    to a base certified directly after assessment without it (staff confirm the declaration on the subsidies side)."""

    NONE = "none", _("未获得相关培育支持")
    RECEIVED = "received", _("已获得相关培育支持")


class BasisLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    REGIONAL = "regional", _("自治区级")
    CITY = "city", _("市级")
    NONE = "none", _("无")


def money(verbose: str, **kw):
    return models.DecimalField(verbose, max_digits=14, decimal_places=2, null=True, blank=True,
                               validators=[MinValueValidator(Decimal("0"))], **kw)


# ---- conditions of submission -----------------------------------------------------------------------
@condition(_("申报截止时间已过，不能再提交。"))
def call_accepts_submissions(application: "Application") -> bool:
    """Against the server clock at this instant, whatever the page showed."""
    return application.call.is_open()


@condition(_("申报书尚未填写完整或不符合本批次的申报条件，请先按“完整性检查”处理。"))
def ready_to_submit(application: "Application") -> bool:
    from ..services import application_problems  # the checks build links to the form's sections

    return not application_problems(application)


class Application(FSMModelMixin, models.Model):
    """申报 (申报书): an organisation's application to a call, alone or as a consortium."""

    call = models.ForeignKey(Call, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Organization, verbose_name=_("申报（牵头）单位"), on_delete=models.PROTECT,
                                  related_name="applications")
    authority = models.ForeignKey(Organization, verbose_name=_("推荐单位"), on_delete=models.PROTECT,
                                  related_name="authority_applications",
                                  help_text=_("创建时取自申报单位的所属推荐单位。"))
    state = FSMField(_("状态"), default=ApplicationState.DRAFT, choices=ApplicationState.choices, protected=True)
    acceptance_no = models.CharField(_("受理编号"), max_length=30, unique=True, null=True, blank=True)
    version = models.PositiveIntegerField(_("提交版本"), default=0, help_text=_("每提交一次加一。"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    base = models.OneToOneField(Base, verbose_name=_("认定的中试基地"), on_delete=models.PROTECT, null=True, blank=True,
                                related_name="application")
    pdf = models.FileField(_("申报书PDF"), upload_to="applications/pdf/", blank=True)
    pdf_version = models.PositiveIntegerField(default=0)

    # 一、基本信息
    name = models.CharField(_("基地名称"), max_length=120, blank=True,
                            help_text=_("按“广西 + 产业领域 + 科技成果转化中试研究基地”命名。"))
    is_consortium = models.BooleanField(_("联合组建"), default=False)
    industry = models.ForeignKey(Industry, verbose_name=_("产业领域"), on_delete=models.PROTECT, null=True, blank=True)
    platform_type = models.ForeignKey(PlatformType, verbose_name=_("平台类型"), on_delete=models.PROTECT, null=True,
                                      blank=True)
    basis_kind = models.CharField(_("依托平台类型"), max_length=20, choices=BasisKind.choices, blank=True)
    basis_name = models.CharField(_("依托平台名称"), max_length=120, blank=True)
    basis_level = models.CharField(_("依托平台级别"), max_length=20, choices=BasisLevel.choices, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    summary = models.TextField(_("基地简介"), blank=True)
    # 二、能力条件
    site_area = models.DecimalField(_("中试场地面积（平方米）"), max_digits=12, decimal_places=2, null=True, blank=True,
                                    validators=[MinValueValidator(Decimal("0"))])
    pilot_line_count = models.PositiveIntegerField(_("中试生产线（条）"), null=True, blank=True)
    pilot_lines = models.TextField(_("中试生产线及实验条件"), blank=True)
    outside_projects = models.PositiveIntegerField(_("近三年对外中试项目（项）"), null=True, blank=True)
    safety_facilities = models.TextField(_("安全、环保设施及制度"), blank=True)
    # 三、人才队伍
    team_summary = models.TextField(_("人才队伍概况"), blank=True)
    # 四、管理机制
    internal_rules = models.TextField(_("内部管理制度"), blank=True)
    service_procedure = models.TextField(_("对外服务制度及承接程序"), blank=True)
    fee_standard = models.TextField(_("收费标准"), blank=True)
    # 五、中试服务与建设方案
    services = models.TextField(_("拟提供的中试服务"), blank=True)
    construction_plan = models.TextField(_("建设方案"), blank=True)
    construction_years = models.PositiveSmallIntegerField(_("建设期（年）"), null=True, blank=True)
    targets = models.TextField(_("建设目标及考核指标"), blank=True)
    # 六、经费
    funding_total = money(_("总投入（元）"))
    funding_self = money(_("自筹资金（元）"))
    funding_requested = money(_("申请财政支持（元）"))
    cultivation_support = models.CharField(
        _("相关培育支持"), max_length=10, choices=CultivationSupport.choices, blank=True,
        help_text=_("本项目此前是否获得过相关培育支持（如培育期财政资金、培育平台立项）；经评审直接认定且未获得相关培育支持的"
                    "基地可申请建设支持。"))
    cultivation_support_note = models.CharField(
        _("培育支持情况说明"), max_length=300, blank=True, help_text=_("已获得的，请写明支持项目名称、年度和金额。"))
    commitment = models.BooleanField(_("已阅读并同意承诺书"), default=False,
                                     help_text=_("承诺所填数据真实、完整，不干扰评审工作。"))
    # set by each 退回修改 (empty when the return names none): shown to the applicant with the return opinion
    requested_materials = models.CharField(_("需补充的材料"), max_length=1000, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["call", "state"]), models.Index(fields=["authority", "state"]),
                   # the reviewers' list in its default order (newest submitted first) over what reviewers see:
                   # page 1 reads 20 index entries instead of sorting every row (docs/performance.md)
                   models.Index(models.F("submitted_at").desc(), models.F("id").desc(), name="application_reviewer_list",
                                condition=~models.Q(state__in=["draft", "withdrawn"])),
                   # the list's counts strip (state, COUNT(*)) over what reviewers see, with the columns its filters
                   # and the keyword's subqueries test: an index-only scan of this index, never the rows (the
                   # department's 13,816: 15-29 ms read from the table, 2 ms from here; docs/performance.md)
                   models.Index(fields=["state", "call", "authority", "industry", "applicant", "id"],
                                name="application_state_counts", condition=~models.Q(state__in=["draft", "withdrawn"]))]

    def __str__(self) -> str:
        return self.name or str(_("（未命名申报）"))

    # ---- derived figures used by eligibility checks and lists ----
    def totals(self) -> dict:
        eq = self.equipment.aggregate(total=Sum("original_value"))
        team = self.team.aggregate(fulltime=Count("id", filter=Q(is_fulltime=True)),
                                   technical=Count("id", filter=Q(is_technical=True)), all=Count("id"))
        return {"equipment_value": eq["total"] or Decimal("0"), "fulltime": team["fulltime"],
                "technical": team["technical"], "team": team["all"]}

    def required_attachments(self):
        qs = self.call.required_attachments.all()
        return qs if self.is_consortium else qs.filter(consortium_only=False)

    @property
    def is_editable(self) -> bool:
        return self.state in {ApplicationState.DRAFT, ApplicationState.RETURNED}

    # ---- transitions: they only change fields; services do the rest ----
    @transition(field=state, source=ApplicationState.DRAFT, target=ApplicationState.SUBMITTED, permission=perm_applicant,
                conditions=[call_accepts_submissions, ready_to_submit], custom={"label": _("提交申报"), "confirm": True})
    def submit(self, *, submitted_at=None, acceptance_no: str = "") -> None:
        """提交申报"""
        self._record_submission(submitted_at, acceptance_no)

    @transition(field=state, source=ApplicationState.RETURNED, target=ApplicationState.SUBMITTED,
                permission=perm_applicant, conditions=[call_accepts_submissions, ready_to_submit],
                custom={"label": _("修改后重新提交"), "confirm": True})
    def resubmit(self, *, submitted_at=None, acceptance_no: str = "") -> None:
        """修改后重新提交"""
        self._record_submission(submitted_at, acceptance_no)

    def _record_submission(self, submitted_at, acceptance_no: str) -> None:
        self.version += 1
        if submitted_at is not None:
            self.submitted_at = submitted_at
        if acceptance_no and not self.acceptance_no:
            self.acceptance_no = acceptance_no

    @transition(field=state, source=[ApplicationState.SUBMITTED, ApplicationState.RETURNED],
                target=ApplicationState.WITHDRAWN, permission=perm_applicant,
                custom={"label": _("撤回申报"), "confirm": True, "style": "outline-danger"})
    def withdraw(self) -> None:
        """撤回申报"""

    @transition(field=state, source=[ApplicationState.SUBMITTED, ApplicationState.RECOMMENDED,
                                     ApplicationState.UNDER_REVIEW],
                target=ApplicationState.RETURNED, permission=perm_authority_or_department,
                custom={"label": _("退回修改")})
    def return_for_revision(self, *, requested_materials: str = "") -> None:
        """退回修改"""
        self.requested_materials = requested_materials

    @transition(field=state, source=ApplicationState.SUBMITTED, target=ApplicationState.DECLINED,
                permission=perm_authority, custom={"label": _("不予推荐"), "confirm": True})
    def decline(self) -> None:
        """不予推荐"""

    @transition(field=state, source=ApplicationState.SUBMITTED, target=ApplicationState.RECOMMENDED,
                permission=perm_authority, custom={"label": _("拟推荐")})
    def recommend(self) -> None:
        """拟推荐"""

    @transition(field=state, source=ApplicationState.RECOMMENDED, target=ApplicationState.SUBMITTED,
                permission=perm_authority, custom={"label": _("撤销拟推荐")})
    def unrecommend(self) -> None:
        """撤销拟推荐"""

    @transition(field=state, source=ApplicationState.RECOMMENDED, target=ApplicationState.UNDER_REVIEW,
                permission=perm_authority, custom={"label": _("报送科技厅"), "confirm": True})
    def forward(self) -> None:
        """报送科技厅"""

    @transition(field=state, source=[ApplicationState.UNDER_REVIEW, ApplicationState.ON_NOTICE],
                target=ApplicationState.REJECTED, permission=perm_department,
                custom={"label": _("不予认定"), "confirm": True})
    def reject(self) -> None:
        """不予认定"""

    @transition(field=state, source=ApplicationState.UNDER_REVIEW, target=ApplicationState.ON_NOTICE,
                permission=perm_department, custom={"label": _("列入公示")})
    def put_on_notice(self) -> None:
        """列入公示"""

    @transition(field=state, source=ApplicationState.ON_NOTICE, target=ApplicationState.UNDER_REVIEW,
                permission=perm_department, custom={"label": _("撤出公示名单")})
    def take_off_notice(self) -> None:
        """撤出公示名单"""

    @transition(field=state, source=ApplicationState.ON_NOTICE, target=ApplicationState.CERTIFIED,
                permission=perm_department, custom={"label": _("认定授牌"), "confirm": True})
    def certify(self, *, base: Base | None = None) -> None:
        """认定授牌"""
        if base is not None:
            self.base = base


class Partner(models.Model):
    """共建单位 of a consortium application (联合组建)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    organization = models.ForeignKey(Organization, verbose_name=_("共建单位"), on_delete=models.PROTECT,
                                     related_name="partnerships")
    role = models.CharField(_("在基地中的分工"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "organization"], name="partner_unique")]

    def __str__(self) -> str:
        return str(self.organization)


class Equipment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(_("设备名称"), max_length=100)
    model = models.CharField(_("型号规格"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    original_value = models.DecimalField(_("原值（元）"), max_digits=14, decimal_places=2,
                                         validators=[MinValueValidator(Decimal("0"))])
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("仪器设备")
        verbose_name_plural = _("仪器设备")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("姓名"), max_length=40)
    title = models.CharField(_("职称"), max_length=40, blank=True)
    field = models.CharField(_("专业领域"), max_length=60, blank=True)
    role = models.CharField(_("在基地中的职责"), max_length=100, blank=True)
    is_fulltime = models.BooleanField(_("专职"), default=False)
    is_technical = models.BooleanField(_("技术人员"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("团队成员")
        verbose_name_plural = _("团队成员")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}.{ext}"


# 其他补充材料: what a return opinion asks for beyond the call's fixed attachments, in any call, named by the
# applicant; checked like every upload (by content), within these limits.
SUPPLEMENTARY_TYPES = ("pdf", "jpg", "png", "docx", "xlsx")
SUPPLEMENTARY_MAX_MB = 20


class Attachment(models.Model):
    """A file of an application, stored outside the web root and served only through an access-checked view.
    Without a requirement it is 其他补充材料, named by the applicant (`title`); several are allowed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    requirement = models.ForeignKey(RequiredAttachment, verbose_name=_("附件类别"), on_delete=models.PROTECT,
                                    related_name="attachments", null=True, blank=True,
                                    help_text=_("空表示其他补充材料。"))
    title = models.CharField(_("材料名称"), max_length=100, blank=True,
                             help_text=_("其他补充材料的名称，例如：近三年对外中试服务合同清单。"))
    file = models.FileField(_("文件"), upload_to=attachment_upload_to)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = [models.F("requirement__order").asc(nulls_last=True), "uploaded_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(requirement__isnull=False) | ~Q(title=""),
                                              name="attachment_supplementary_named")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_supplementary(self) -> bool:
        return self.requirement_id is None

    @property
    def kind(self) -> str:
        """Its category as listed: the requirement's name, or 其他补充材料 and the applicant's name for it."""
        if self.requirement_id is None:
            return f"{_('其他补充材料')}：{self.title}"
        return self.requirement.name


class Snapshot(models.Model):
    """What was submitted, frozen at each submission: the basis of the PDF and of "what changed" diffs."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="snapshots")
    version = models.PositiveIntegerField(_("版本"))
    data = models.JSONField(_("内容"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("提交快照")
        verbose_name_plural = _("提交快照")
        ordering = ["application", "version"]
        constraints = [models.UniqueConstraint(fields=["application", "version"], name="snapshot_version_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} v{self.version}"
