from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def import_upload_to(instance: "BaseImport", filename: str) -> str:
    return f"evaluations/imports/{instance.sha256[:2]}/{instance.sha256}.xlsx"


class BaseImport(models.Model):
    """One confirmed import of bases certified on paper before the portal: who, when, which file.

    Only an import that ran is recorded (a dry run writes nothing). The file is kept in private storage and
    its SHA-256 is unique, so the same workbook cannot be imported twice; each base it created also has an
    「导入既有基地」 row on its own timeline (TransitionLog with the base as subject).
    """

    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT,
                                    related_name="+")
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64, unique=True)
    file = models.FileField(_("导入文件"), upload_to=import_upload_to, blank=True)
    bases = models.ManyToManyField("pilotbase.Base", verbose_name=_("导入的基地"), related_name="imports")
    row_count = models.PositiveIntegerField(_("基地数"), default=0)

    class Meta:
        verbose_name = _("既有基地导入")
        verbose_name_plural = _("既有基地导入")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.row_count}）"
