"""Every file a record names exists in storage: run after restoring a backup (scripts/restore.sh) or to audit.
Exits with status 1, listing each missing file, when one is not there."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models


def file_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                yield model, field


class Command(BaseCommand):
    help = "Check that every file named by a record (uploads, PDFs) exists in storage."

    def handle(self, *args, **options):
        checked, missing = 0, []
        for model, field in file_fields():
            names = model._default_manager.exclude(**{field.name: ""}).values_list("pk", field.name)
            for pk, name in names.iterator():
                checked += 1
                if not field.storage.exists(name):
                    missing.append(f"{model._meta.label}#{pk}.{field.name}: {name}")
        for line in missing:
            self.stderr.write(f"missing {line}")
        if missing:
            raise CommandError(f"{len(missing)} of {checked} files named by records are missing")
        self.stdout.write(f"{checked} files named by records, all present")
