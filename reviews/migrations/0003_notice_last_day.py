from django.db import migrations, models


def fill_last_day(apps, schema_editor):
    """Existing notices: the last working day before the day they may be closed."""
    from pilotbase.workdays import Calendar, _setting, period_last_day

    CalendarDay = apps.get_model("pilotbase", "CalendarDay")
    PublicNotice = apps.get_model("reviews", "PublicNotice")
    holidays, workdays = _setting("PILOTBASE_HOLIDAYS"), _setting("PILOTBASE_EXTRA_WORKDAYS")
    for day, kind in CalendarDay.objects.values_list("day", "kind"):
        (holidays if kind == "holiday" else workdays).add(day)
    cal = Calendar(frozenset(holidays), frozenset(workdays))
    for notice in PublicNotice.objects.all():
        notice.last_day = period_last_day(notice.starts_on, notice.ends_on, cal)
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
