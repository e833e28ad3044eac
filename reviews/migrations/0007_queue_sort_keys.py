"""The review queues' sort keys stored on their rows (reviews.models.recommendation), so that an index serves
each queue's ORDER BY and a page reads its 20 rows instead of sorting all of them. The pending flags are generated
columns; the keys from other tables are copies kept by triggers, on PostgreSQL and on SQLite alike, whoever writes
(services, admin, bulk UPDATEs, the bench's SQL seed):

- a check's or a recommendation's own INSERT and UPDATE compute its copies from its application (PostgreSQL:
  BEFORE, setting NEW; SQLite: AFTER, an UPDATE of the row guarded so that it stops once the copies agree);
- a write of what they copy touches the rows that copy it (``SET id = id``), which recomputes them: the
  application's authority, call or submission time, the authority's name, the call's deadline, the
  recommendation's priority (and its INSERT and DELETE, for the check of its application).

On SQLite a migration that rebuilds one of these tables drops its triggers: recreate them there
(tests/reviews/recommendation/test_queue_sort_keys.py fails until then).
"""

import datetime
from django.conf import settings
from django.db import migrations, models

# what each queue row copies, computed from its application ({app}: the row's application id)
CHECK_KEYS = {
    "queue_authority": "(SELECT o.name FROM applications_application a JOIN pilotbase_organization o "
                       "ON o.id = a.authority_id WHERE a.id = {app})",
    "queue_priority": "coalesce((SELECT r.priority FROM reviews_recommendation r WHERE r.application_id = {app}), "
                      "32767)",
}
REC_KEYS = {
    "queue_deadline": "(SELECT c.recommendation_deadline FROM applications_application a JOIN applications_call c "
                      "ON c.id = a.call_id WHERE a.id = {app})",
    "queue_submitted": "coalesce((SELECT a.submitted_at FROM applications_application a WHERE a.id = {app}), "
                       "{never})",
}
NEVER = {"postgresql": "'9999-12-31 00:00:00+00'::timestamptz", "sqlite": "'9999-12-31 00:00:00'"}

# (name, table, event, condition, statements touching the copies of NEW / OLD)
TOUCHES = [
    ("application", "applications_application", "UPDATE OF authority_id, call_id, submitted_at",
     ["authority_id", "call_id", "submitted_at"],
     ["UPDATE reviews_formalcheck SET id = id WHERE application_id = NEW.id",
      "UPDATE reviews_recommendation SET id = id WHERE application_id = NEW.id"]),
    ("organization", "pilotbase_organization", "UPDATE OF name", ["name"],
     ["UPDATE reviews_formalcheck SET id = id WHERE application_id IN "
      "(SELECT id FROM applications_application WHERE authority_id = NEW.id)"]),
    ("call", "applications_call", "UPDATE OF recommendation_deadline", ["recommendation_deadline"],
     ["UPDATE reviews_recommendation SET id = id WHERE application_id IN "
      "(SELECT id FROM applications_application WHERE call_id = NEW.id)"]),
    ("rec_insert", "reviews_recommendation", "INSERT", [],
     ["UPDATE reviews_formalcheck SET id = id WHERE application_id = NEW.application_id"]),
    ("rec_update", "reviews_recommendation", "UPDATE OF priority, application_id", ["priority", "application_id"],
     ["UPDATE reviews_formalcheck SET id = id WHERE application_id IN (OLD.application_id, NEW.application_id)"]),
    ("rec_delete", "reviews_recommendation", "DELETE", [],
     ["UPDATE reviews_formalcheck SET id = id WHERE application_id = OLD.application_id"]),
]
OWN = [("reviews_formalcheck", CHECK_KEYS), ("reviews_recommendation", REC_KEYS)]


def _keys(keys, vendor, app):
    return {column: sql.format(app=app, never=NEVER[vendor]) for column, sql in keys.items()}


def _postgres(own=OWN, touches=TOUCHES):  # 0008 passes its own (one key more)
    out = []
    for table, keys in own:
        sets = "".join(f"    NEW.{c} := {e};\n" for c, e in _keys(keys, "postgresql", "NEW.application_id").items())
        out += [f"CREATE FUNCTION {table}_queue_keys() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{sets}"
                "    RETURN NEW;\nEND $$",
                f"CREATE TRIGGER {table}_queue_keys BEFORE INSERT OR UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_queue_keys()"]
    for name, table, event, columns, statements in touches:
        when = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        body = "".join(f"    {s};\n" for s in statements)
        ret = "OLD" if event == "DELETE" else "NEW"
        out += [f"CREATE FUNCTION reviews_queue_touch_{name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}"
                f"    RETURN {ret};\nEND $$",
                f"CREATE TRIGGER reviews_queue_touch_{name} AFTER {event} ON {table} FOR EACH ROW "
                + (f"WHEN ({when}) " if when else "") + f"EXECUTE FUNCTION reviews_queue_touch_{name}()"]
    return out + [f"UPDATE {table} SET id = id" for table, _keys_ in own]


def _sqlite(own=OWN, touches=TOUCHES):  # 0008 passes its own (one key more)
    out = []
    for table, keys in own:
        values = _keys(keys, "sqlite", "NEW.application_id")
        sets = ", ".join(f"{c} = {e}" for c, e in values.items())
        stale = " OR ".join(f"NEW.{c} IS NOT {e}" for c, e in values.items())
        for event in ("INSERT", "UPDATE"):
            out.append(f"CREATE TRIGGER {table}_queue_keys_{event.lower()} AFTER {event} ON {table} "
                       f"FOR EACH ROW WHEN {stale} BEGIN UPDATE {table} SET {sets} WHERE id = NEW.id; END")
    for name, table, event, columns, statements in touches:
        when = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
        body = "".join(f"{s}; " for s in statements)
        out.append(f"CREATE TRIGGER reviews_queue_touch_{name} AFTER {event} ON {table} FOR EACH ROW "
                   + (f"WHEN {when} " if when else "") + f"BEGIN {body}END")
    return out + [f"UPDATE {table} SET id = id" for table, _keys_ in own]


def _drop(vendor):
    names = [f"{table}_queue_keys" for table, _k in OWN] + [f"reviews_queue_touch_{n}" for n, *_r in TOUCHES]
    tables = dict([(f"{t}_queue_keys", t) for t, _k in OWN] + [(f"reviews_queue_touch_{n}", t) for n, t, *_r in TOUCHES])
    if vendor == "postgresql":
        return [s for n in names for s in (f"DROP TRIGGER IF EXISTS {n} ON {tables[n]}", f"DROP FUNCTION IF EXISTS {n}()")]
    return [f"DROP TRIGGER IF EXISTS {n}{suffix}" for n in names
            for suffix in (("_insert", "_update") if n.endswith("_queue_keys") else ("",))]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in _postgres() if vendor == "postgresql" else _sqlite() if vendor == "sqlite" else []:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in _drop(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)



class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0007_application_search_grams'),
        ('pilotbase', '0013_registration_city_outside_guangxi'),
        ('reviews', '0006_notice_kind_base_entries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='formalcheck',
            name='queue_authority',
            field=models.CharField(db_default='', editable=False, max_length=120),
        ),
        migrations.AddField(
            model_name='formalcheck',
            name='queue_pending',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(state='pending', then=models.Value(0)), default=models.Value(1)), output_field=models.PositiveSmallIntegerField()),
        ),
        migrations.AddField(
            model_name='formalcheck',
            name='queue_priority',
            field=models.PositiveSmallIntegerField(db_default=32767, editable=False),
        ),
        migrations.AddField(
            model_name='recommendation',
            name='queue_deadline',
            field=models.DateTimeField(db_default=models.Value(datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc)), editable=False),
        ),
        migrations.AddField(
            model_name='recommendation',
            name='queue_pending',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(state='pending', then=models.Value(0)), default=models.Value(1)), output_field=models.PositiveSmallIntegerField()),
        ),
        migrations.AddField(
            model_name='recommendation',
            name='queue_submitted',
            field=models.DateTimeField(db_default=models.Value(datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc)), editable=False),
        ),
        migrations.AddIndex(
            model_name='formalcheck',
            index=models.Index(fields=['queue_pending', 'queue_authority', 'queue_priority', 'id'], name='formalcheck_queue'),
        ),
        migrations.AddIndex(
            model_name='recommendation',
            index=models.Index(fields=['authority', 'queue_pending', 'queue_deadline', 'queue_submitted', 'id'], name='recommendation_queue'),
        ),
        # after the indexes: the backfill leaves deferred foreign-key checks pending, which CREATE INDEX refuses
        migrations.RunPython(create_triggers, drop_triggers),
    ]
