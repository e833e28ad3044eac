"""`manage.py signing_keypair DIR`: a self-signed key and certificate for signing certificates (PEM, the key
0600), for a trial installation or the deploy checks; a real installation uses the department's own pair. Prints
the two settings that point at them. An existing pair in DIR is kept."""

from pathlib import Path

from django.core.management.base import BaseCommand

from pilotbase.signing import CERT_NAME, KEY_NAME, self_signed_create


class Command(BaseCommand):
    help = "Make a self-signed certificate-signing pair in DIR (kept if there) and print its settings."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        folder = folder.resolve()
        if not (folder / KEY_NAME).is_file():
            self_signed_create(folder)
        self.stdout.write(f"PILOTBASE_SIGNING_KEY_FILE={folder / KEY_NAME}")
        self.stdout.write(f"PILOTBASE_SIGNING_CERT_FILE={folder / CERT_NAME}")
