from django.db import connection, models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class ReferenceItem(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.display(self.name, self.name_en)

    @staticmethod
    def display(name: str | None, name_en: str | None = "") -> str:
        """The Chinese name; the English one for a reader who chose English (records stay Chinese). From the two
        columns alone, so an export reading plain values shows what ``str(item)`` shows; "" for no item."""
        if name_en and (translation.get_language() or "").startswith("en"):
            return name_en
        return name or ""


class City(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("设区市")
        verbose_name_plural = _("设区市")


class Industry(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("产业领域")
        verbose_name_plural = _("产业领域")


class PlatformType(ReferenceItem):
    """中试研究基地, 概念验证中心, 重大中试平台 …: the kind of platform a call certifies."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("平台类型")
        verbose_name_plural = _("平台类型")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    """A day that breaks the Monday–Friday rule: a public holiday, or a weekend day worked (调休).

    Entered by staff in the admin each year from the State Council's holiday schedule; working-day
    periods (the 5-working-day public notice) count with it.
    """

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("节日或说明"), max_length=40, blank=True, help_text=_("例如：国庆节"))

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()} {self.name}".rstrip()


class Sequence(models.Model):
    """Named counters (acceptance numbers, certificate numbers), bumped atomically in the database."""

    key = models.CharField(max_length=80, unique=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

    @classmethod
    def next_value(cls, key: str) -> int:
        """One INSERT … ON CONFLICT … RETURNING: race-free on PostgreSQL and SQLite alike."""
        table = cls._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (key, value) VALUES (%s, 1) "
                f"ON CONFLICT (key) DO UPDATE SET value = {table}.value + 1 RETURNING value",
                [key],
            )
            return cursor.fetchone()[0]
