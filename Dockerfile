FROM python:3.11-slim-bookworm
# Pango + HarfBuzz subsetting + CJK fonts (HanaMinB for Extension B) for WeasyPrint PDFs (without libharfbuzz-subset0 a
# Chinese page takes ~11 s instead of ~0.15 s); gettext to compile the English translation.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    fonts-noto-cjk fonts-hanazono gettext \
 && rm -rf /var/lib/apt/lists/*
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PILOTBASE_VAR_DIR=/data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir . && python manage.py compilemessages -l en -l zh_Hans -v 0 \
 && useradd --create-home --uid 1000 pilot && mkdir -p /data && chown pilot /data /app
USER pilot
EXPOSE 8000
ENTRYPOINT ["scripts/entrypoint.sh"]
CMD ["web"]
