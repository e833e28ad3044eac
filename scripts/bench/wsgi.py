"""gunicorn entry of the bench: the project's WSGI app under the bench urlconf (scripts.bench.urls)."""

from scripts.bench import env

env.configure()

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.ROOT_URLCONF = "scripts.bench.urls"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
