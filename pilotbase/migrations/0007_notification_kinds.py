"""Old notification rows keep the kind strings of before `pilotbase.recipients.Kind` (`recommendation_returned`):
rename them to the `<stage>.<event>` values, so the bell's filter and the e-mail log find them.

The mapping is frozen here (a later rename of a Kind member must not change what this migration did)."""

from django.db import migrations

OLD_TO_NEW = {
    "application_submitted": "application.submitted",
    "application_withdrawn": "application.withdrawn",
    "application_deadline": "application.deadline",
    "recommendation_returned": "recommendation.returned",
    "recommendation_declined": "recommendation.declined",
    "recommendation_forwarded": "recommendation.forwarded",
    "recommendation_deadline": "recommendation.deadline",
    "formal_check_pending": "formal_check.pending",
    "formal_check_passed": "formal_check.passed",
    "formal_check_returned": "formal_check.returned",
    "formal_check_rejected": "formal_check.rejected",
}


def _rename(apps, mapping: dict[str, str]) -> None:
    for model in ("Notification", "Reminder"):
        rows = apps.get_model("pilotbase", model).objects
        for old, new in mapping.items():
            rows.filter(kind=old).update(kind=new)


def forwards(apps, schema_editor):
    _rename(apps, OLD_TO_NEW)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in OLD_TO_NEW.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("pilotbase", "0006_transitionlog_record_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
