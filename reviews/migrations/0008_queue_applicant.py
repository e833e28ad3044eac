"""The queue rows' copy of their application's applicant (``queue_applicant``, its id), kept by the triggers of
0007 with one key more: a queue's keyword tests the units' names on the row itself (``queue_applicant IN
(units)``, applications.search) instead of expanding the units to all their applications. 0007's triggers are
dropped and made again by its generators with the new key and the application's ``UPDATE OF
applicant_id``; on SQLite the AddField rebuilds the tables (which drops their triggers), so every trigger is made
again after it."""

import importlib

from django.db import migrations, models

keys = importlib.import_module("reviews.migrations.0007_queue_sort_keys")

APPLICANT = {"queue_applicant": "coalesce((SELECT a.applicant_id FROM applications_application a WHERE a.id = {app}), 0)"}
OWN = [("reviews_formalcheck", {**keys.CHECK_KEYS, **APPLICANT}), ("reviews_recommendation", {**keys.REC_KEYS, **APPLICANT})]
TOUCHES = [
    ("application", "applications_application", "UPDATE OF authority_id, call_id, submitted_at, applicant_id",
     ["authority_id", "call_id", "submitted_at", "applicant_id"], statements)
    if name == "application" else (name, table, event, columns, statements)
    for name, table, event, columns, statements in keys.TOUCHES
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_old(apps, schema_editor):
    _run(schema_editor, keys._drop(schema_editor.connection.vendor))


def create_new(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    generate = {"postgresql": keys._postgres, "sqlite": keys._sqlite}.get(vendor)
    if generate:
        _run(schema_editor, generate(OWN, TOUCHES))


def drop_new(apps, schema_editor):
    _run(schema_editor, keys._drop(schema_editor.connection.vendor))  # the same names as 0007's


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0007_queue_sort_keys'),
    ]

    operations = [
        # reversed, it runs last: 0007's triggers again, after the columns are gone (SQLite rebuilt the tables)
        migrations.RunPython(drop_old, keys.create_triggers),
        migrations.AddField(
            model_name='formalcheck',
            name='queue_applicant',
            field=models.BigIntegerField(db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name='recommendation',
            name='queue_applicant',
            field=models.BigIntegerField(db_default=0, editable=False),
        ),
        migrations.RunPython(create_new, drop_new),
    ]
