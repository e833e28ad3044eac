"""The audit log is append-only in the database too (PostgreSQL): a row-level trigger refuses every UPDATE and
DELETE on pilotbase_transitionlog, whoever sends it (the portal, the admin, a psql session of the app's role).

After 0004, which rewrote existing rows once (decision ids). INSERT stays free. TRUNCATE (the test database's
flush between transactional tests, a restore into an emptied database) fires no row-level trigger, so it still
works; it is a table owner's privilege, not something the portal ever sends. SQLite has no such trigger here:
the model and its queryset refuse there (pilotbase.models.audit).
"""

from django.db import migrations

FUNCTION = "pilotbase_transitionlog_append_only"
TRIGGER = "pilotbase_transitionlog_append_only"

CREATE = [
    f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'pilotbase_transitionlog is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$""",
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON pilotbase_transitionlog",
    f"""CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON pilotbase_transitionlog
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()""",
]

DROP = [
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON pilotbase_transitionlog",
    f"DROP FUNCTION IF EXISTS {FUNCTION}()",
]


def _on_postgresql(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("pilotbase", "0007_notification_kinds"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False),
    ]
