"""python -m scripts.bench [--quick] [--reseed] [--compare old.json] [--rounds N] [--skip-http]"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from . import env

env.configure()


def machine() -> dict:
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {"nproc": os.cpu_count(), "memory_gb": round(mem_kb / 2**20, 1), "postgresql": pg,
            "python": platform.python_version(), "cpu": next((line.split(":", 1)[1].strip()
                                                               for line in open("/proc/cpuinfo")
                                                               if line.startswith("model name")), "")}


def prepare(scale: float, reseed: bool) -> tuple[dict, dict]:
    """The seeded database, reused when it holds this scale and seed version; its small-scale query counts."""
    import django

    meta_file = env.ROOT / "var" / "bench" / "seed.json"
    if not reseed and env.database_exists() and meta_file.exists():
        meta = json.loads(meta_file.read_text())
        from scripts.bench.seed import SEED_VERSION

        if meta.get("scale") == scale and meta.get("version") == SEED_VERSION:
            django.setup()
            from django.core.management import call_command

            call_command("migrate", verbosity=0)  # new indexes of the tree reach a reused database
            from django.db import connection

            with connection.cursor() as cursor:  # one seeded before the seed's VACUUM: its visibility map
                cursor.execute("VACUUM (ANALYZE)")  # (quick when nothing changed since)
            print(f"reusing {env.DB_NAME} (seeded at scale {scale}; --reseed to rebuild)")
            return meta, meta["counts_small"]
    env.admin_sql(f"DROP DATABASE IF EXISTS {env.DB_NAME}")
    env.admin_sql(f"CREATE DATABASE {env.DB_NAME}")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from scripts.bench import pages as pg
    from scripts.bench.seed import SEED_VERSION, Seeder

    settings.ROOT_URLCONF = "scripts.bench.urls"
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrate {time.perf_counter() - t0:.1f} s")
    seeder = Seeder(scale)
    seeder.step("template (services)", seeder.template)
    # query counts at ~10 rows: the template alone (every stage's demo data), before the bulk copies
    from applications.models import Application

    app = Application.objects.exclude(state="draft").order_by("id").first()
    pages_small = pg.page_list(app.pk if app else None)
    counts_small = pg.query_counts(pages_small, pg.clients(pg.personas()))
    seeder.template = lambda: "built before the small counts"
    seed = seeder.run()
    seed["total_s"] = round(seed["total_s"] + seeder.steps.get("template (services)", 0), 1)
    meta = {"scale": scale, "version": SEED_VERSION, "seed": seed, "counts_small": counts_small,
            "long_timeline_id": seeder.long_timeline_id}
    meta_file.parent.mkdir(parents=True, exist_ok=True)
    meta_file.write_text(json.dumps(meta, ensure_ascii=False, indent=2))
    return meta, counts_small


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", default=os.environ.get("QUICK") == "1")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--compare", default=os.environ.get("COMPARE") or None)
    parser.add_argument("--rounds", type=int, default=0)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--out", default=str(env.ROOT / "var" / "bench" / "latest.json"))
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0
    rounds = args.rounds or (5 if args.quick else 15)
    started = time.perf_counter()
    meta, counts_small = prepare(scale, args.reseed)

    from django.conf import settings

    settings.ROOT_URLCONF = "scripts.bench.urls"
    from scripts.bench import extras, report
    from scripts.bench import pages as pg

    result = {"machine": machine(), "scale": scale, "seed": meta["seed"], "rounds": rounds}
    users = pg.personas()
    cl = pg.clients(users)
    pages = pg.page_list(meta.get("long_timeline_id"))
    counts_scale = pg.query_counts(pages, cl)
    # the small run's timeline page is another application: compare it under the same name
    result["pages"] = pg.measure(pages, cl, rounds)
    result["queries"] = {"at_scale": counts_scale, "at_10_rows": counts_small}
    report.print_pages(result["pages"], counts_scale, counts_small)

    result["pdf"] = extras.pdfs()
    report.print_section("PDFs", result["pdf"])
    certificates = 50 if args.quick else 200
    result["celery"] = extras.celery_certificates(certificates)
    report.print_section(f"{certificates} certificates through a Celery worker (2 processes)", result["celery"])
    result["reminders"] = extras.reminder_sweep()
    report.print_section("reminder sweep", result["reminders"])
    result["export"] = extras.export()
    report.print_section("Excel export (subprocess)", result["export"])

    if not args.skip_http:
        result["http"] = http_runs(users, pages, quick=args.quick)
        report.print_section("HTTP (gunicorn, 2 workers)", result["http"])
    result["total_s"] = round(time.perf_counter() - started, 1)
    print(f"\nbench total {result['total_s']} s (seed {meta['seed']['total_s']} s when built)")
    report.write(result, Path(args.out))
    if args.compare:
        report.compare(result, Path(args.compare))


def http_runs(users, pages, *, quick: bool) -> dict:
    from pilotbase.models import Role, User
    from scripts.bench import http_load
    from scripts.bench import pages as pg

    proc = http_load.start_gunicorn()
    out = {}
    try:
        cookie = http_load.session_cookie(users["department"])
        from django.urls import reverse

        main_list = [(reverse("applications:list") + "?state=under_review", cookie)]
        n = 100 if quick else 300
        out["department list, 1 client"] = http_load.run(main_list, clients=1, requests=n // 3, cap_s=30)
        out["department list, 20 clients"] = http_load.run(main_list, clients=20, requests=n, cap_s=60)
        out["floor, 20 clients"] = http_load.run([("/__bench__/floor/", "")], clients=20, requests=n * 3, cap_s=30)
        # 50 simulated users of every role, each with its own session, on the main pages of its role
        targets = []
        by_role = {}
        for role in (Role.APPLICANT, Role.AUTHORITY, Role.DEPARTMENT, Role.AGENCY, Role.EXPERT):
            by_role[str(role)] = list(User.objects.filter(role=role, is_active=True).order_by("id")[:10])
        for name, persona, url in pages:
            if persona in (None, "admin") or name.startswith("floor"):
                if persona is None and name != "floor":
                    targets.append((url, ""))
                continue
            for user in by_role.get(persona, [])[:10]:
                if (persona in ("department", "authority", "expert", "agency") or name in pg.OWNER_ONLY) \
                        and user != users.get(persona):
                    continue  # only the seeded owner sees the demo records; other staff logins duplicate it
                targets.append((url, http_load.session_cookie(user)))
        for user in by_role.get(str(Role.APPLICANT), [])[:50]:
            cookie_u = http_load.session_cookie(user)
            targets += [("/dashboard/", cookie_u), ("/applications/mine/", cookie_u)]
        seconds = 10 if quick else 60
        out[f"mixed, 50 users, {seconds} s"] = http_load.run(targets, clients=50, requests=10**6, cap_s=seconds)
    finally:
        http_load.stop(proc)
    return out


if __name__ == "__main__":
    main()
