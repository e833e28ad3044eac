from django.db import migrations


def forwards(apps, schema_editor):
    from pilotbase.reference_data import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("pilotbase", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
