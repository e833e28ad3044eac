from datetime import timedelta

from django.db import migrations, models


def fill_last_day(apps, schema_editor):
    """Existing notices: the last working day before the day they may be closed (frozen here, so later
    changes to pilotbase.workdays never change what this migration does)."""
    CalendarDay = apps.get_model("pilotbase", "CalendarDay")
    PublicNotice = apps.get_model("reviews", "PublicNotice")
    kinds = dict(CalendarDay.objects.values_list("day", "kind"))

    def working(day):
        return kinds.get(day) == "workday" or (day.weekday() < 5 and kinds.get(day) != "holiday")

    for notice in PublicNotice.objects.all():
        start, last = notice.starts_on, notice.ends_on - timedelta(days=1)
        while not working(start):
            start += timedelta(days=1)
        while not working(last):
            last -= timedelta(days=1)
        notice.last_day = max(start, last)
        notice.save(update_fields=["last_day"])


class Migration(migrations.Migration):
    dependencies = [
        ("pilotbase", "0003_calendar_day"),
        ("reviews", "0002_recommendation_withdrawn"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicnotice",
            name="last_day",
            field=models.DateField(null=True, verbose_name="公示截止日期",
                                   help_text="公示期的最后一个工作日，对外公布的截止日期。"),
        ),
        migrations.RunPython(fill_last_day, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="publicnotice",
            name="last_day",
            field=models.DateField(verbose_name="公示截止日期", help_text="公示期的最后一个工作日，对外公布的截止日期。"),
        ),
        migrations.AlterField(
            model_name="publicnotice",
            name="ends_on",
            field=models.DateField(verbose_name="可结束公示日期", help_text="公示期满后的第一个工作日，自此日起可结束公示。"),
        ),
    ]
