"""What a base brings from before the portal, kept small for the later stages to build on.

- `EvaluationResult`: a base's grade for one year, whatever produced it. Imported rows carry
  source=imported; the annual evaluation (issue 8, later) writes source=evaluated when it publishes a round.
  The consecutive-fail rule and operating rewards read this table only.
- `PriorSupport`: 建设支持 (the one-time construction post-subsidy) a base received before the portal; the
  subsidies stage reads it (e.g. operating rewards from the 3rd year after certification when supported).
  A base without a row received none.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    RECTIFY = "rectify", _("整改")
    FAIL = "fail", _("不合格")


class ResultSource(models.TextChoices):
    IMPORTED = "imported", _("导入（平台上线前）")
    EVALUATED = "evaluated", _("平台考核")


class EvaluationResult(models.Model):
    base = models.ForeignKey("pilotbase.Base", verbose_name=_("中试基地"), on_delete=models.PROTECT,
                             related_name="evaluation_results")
    year = models.PositiveSmallIntegerField(_("考核年度"))
    grade = models.CharField(_("考核等次"), max_length=12, choices=Grade.choices)
    source = models.CharField(_("来源"), max_length=12, choices=ResultSource.choices, default=ResultSource.IMPORTED)
    base_import = models.ForeignKey("evaluations.BaseImport", verbose_name=_("导入批次"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="results")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["base", "year"]
        constraints = [models.UniqueConstraint(fields=["base", "year"], name="evaluation_result_base_year_unique")]

    def __str__(self) -> str:
        return f"{self.base} {self.year}：{self.get_grade_display()}"


class PriorSupport(models.Model):
    base = models.OneToOneField("pilotbase.Base", verbose_name=_("中试基地"), on_delete=models.PROTECT,
                                related_name="prior_support")
    amount = models.DecimalField(_("建设支持金额（元）"), max_digits=14, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("支持年度"))
    base_import = models.ForeignKey("evaluations.BaseImport", verbose_name=_("导入批次"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="supports")

    class Meta:
        verbose_name = _("既往建设支持")
        verbose_name_plural = _("既往建设支持")
        ordering = ["base"]
        constraints = [models.CheckConstraint(name="prior_support_amount_positive", condition=models.Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.base} {self.year}：{self.amount}"
