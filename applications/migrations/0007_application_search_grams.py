"""The keyword search's index on PostgreSQL (see applications/search.py): the character unigrams and
bigrams of the upper-cased name and acceptance number in a generated column `search_grams` (the database
keeps it on every INSERT and UPDATE; Django's model does not know it), with a GIN index. Nothing on SQLite."""

from django.db import migrations

FUNCTIONS = ["""
CREATE OR REPLACE FUNCTION applications_search_grams(name text, acceptance_no text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM (SELECT upper(coalesce(name, '')) UNION ALL SELECT upper(coalesce(acceptance_no, ''))) AS s(t),
         LATERAL (SELECT substr(s.t, i, 1) FROM generate_series(1, char_length(s.t)) AS i
                  UNION ALL
                  SELECT substr(s.t, i, 2) FROM generate_series(1, char_length(s.t) - 1) AS i) AS x(g)
$$""", """
CREATE OR REPLACE FUNCTION applications_query_grams(q text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN char_length(q) < 2 THEN ARRAY[upper(q)]
                ELSE ARRAY(SELECT DISTINCT substr(upper(q), i, 2) FROM generate_series(1, char_length(q) - 1) AS i)
           END
$$""", """
ALTER TABLE applications_application ADD COLUMN search_grams text[]
    GENERATED ALWAYS AS (applications_search_grams(name, acceptance_no)) STORED
""", """
CREATE INDEX application_search_grams ON applications_application USING gin (search_grams)
"""]

DROP = [
    "DROP INDEX IF EXISTS application_search_grams",
    "ALTER TABLE applications_application DROP COLUMN IF EXISTS search_grams",
    "DROP FUNCTION IF EXISTS applications_search_grams(text, text)",
    "DROP FUNCTION IF EXISTS applications_query_grams(text)",
]


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0006_cultivation_support"),
    ]

    operations = [
        migrations.RunPython(_on_postgres(FUNCTIONS), _on_postgres(DROP)),
    ]
