"""The base lists' keyword search on PostgreSQL (see pilotbase/search.py): the character unigrams and bigrams of
the upper-cased base name in a generated column `search_grams` (kept by the database on every INSERT and UPDATE;
Django's model does not know it), with a GIN index. Nothing on SQLite. The same design as the applications'
(applications/migrations/0007), with functions of its own so that neither app's migrations need the other's."""

from django.db import migrations

FUNCTIONS = ["""
CREATE OR REPLACE FUNCTION pilotbase_search_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM (SELECT substr(upper(coalesce(t, '')), i, 1) FROM generate_series(1, char_length(coalesce(t, ''))) AS i
          UNION ALL
          SELECT substr(upper(coalesce(t, '')), i, 2) FROM generate_series(1, char_length(coalesce(t, '')) - 1) AS i
         ) AS x(g)
$$""", """
CREATE OR REPLACE FUNCTION pilotbase_query_grams(q text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN char_length(q) < 2 THEN ARRAY[upper(q)]
                ELSE ARRAY(SELECT DISTINCT substr(upper(q), i, 2) FROM generate_series(1, char_length(q) - 1) AS i)
           END
$$""", """
ALTER TABLE pilotbase_base ADD COLUMN search_grams text[] GENERATED ALWAYS AS (pilotbase_search_grams(name)) STORED
""", """
CREATE INDEX base_search_grams ON pilotbase_base USING gin (search_grams)
"""]

DROP = [
    "DROP INDEX IF EXISTS base_search_grams",
    "ALTER TABLE pilotbase_base DROP COLUMN IF EXISTS search_grams",
    "DROP FUNCTION IF EXISTS pilotbase_search_grams(text)",
    "DROP FUNCTION IF EXISTS pilotbase_query_grams(text)",
]


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("pilotbase", "0013_registration_city_outside_guangxi"),
    ]

    operations = [
        migrations.RunPython(_on_postgres(FUNCTIONS), _on_postgres(DROP)),
    ]
