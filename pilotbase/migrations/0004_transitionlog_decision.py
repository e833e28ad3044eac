import uuid
from datetime import timedelta

from django.db import migrations, models


def pair_old_decisions(apps, schema_editor):
    """Rows logged before decision ids existed: the two rows of one decision (a stage record and the
    subject itself, same actor, within 5 s, adjacent on the subject's timeline) get one id, as the
    timeline used to guess; every other row gets its own. Frozen here: later code no longer guesses."""
    Log = apps.get_model("pilotbase", "TransitionLog")
    last_key, last = None, None
    for log in Log.objects.order_by("subject_type_id", "subject_id", "at", "id").iterator():
        key = (log.subject_type_id, log.subject_id)
        on_subject = log.record_type_id == log.subject_type_id and log.record_id == log.subject_id
        if (last is not None and key == last_key and last.decision_paired is False
                and last.actor_id == log.actor_id and abs(log.at - last.at) <= timedelta(seconds=5)
                and on_subject != last.on_subject):
            log.decision = last.decision
            last.decision_paired = True
        else:
            log.decision = uuid.uuid4()
        log.save(update_fields=["decision"])
        log.on_subject, log.decision_paired = on_subject, log.decision == getattr(last, "decision", None)
        last_key, last = key, log


class Migration(migrations.Migration):

    dependencies = [
        ('pilotbase', '0003_calendar_day'),
    ]

    operations = [
        migrations.AddField(
            model_name='transitionlog',
            name='decision',
            field=models.UUIDField(blank=True, db_index=True, help_text='一次决定同时改变的记录（如初审推荐与申报）共用一个编号。', null=True, verbose_name='决定编号'),
        ),
        migrations.RunPython(pair_old_decisions, migrations.RunPython.noop),
    ]
