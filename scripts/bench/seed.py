"""Seeding at scale: a template of every stage through the real services (the demo seeders), then copied in
bulk by PostgreSQL itself (INSERT … SELECT over generate_series: no row crosses into Python).

Scale 1.0: 20,000 applications over 10 years of calls in every state with partners, equipment and team;
3,000 certified bases with certificates and 5 years of evaluations and subsidies, their catalogues and service
requests (seed_stages.py); 5,000 experts and 60,000 seats; 1,000,000 TransitionLog rows; 100,000 open deadlines
(drafts on open calls and open expert seats). QUICK=1 seeds a tenth.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection, transaction

from .seed_stages import StagesSeeder

SEED_VERSION = 6  # bump when the shape of the data changes: a reused database is then seeded again


class Seeder(StagesSeeder):
    def __init__(self, scale: float, log=print) -> None:
        self.scale = scale
        self.log = log
        self.steps: dict[str, float] = {}

    def n(self, full: int) -> int:
        return max(1, int(full * self.scale))

    # ---- SQL helpers ------------------------------------------------------------------------------
    def sql(self, statement: str, params: Any = None) -> int:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.rowcount

    def one(self, statement: str, params: Any = None) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchone()[0]

    def ids(self, statement: str, params: Any = None) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return [row[0] for row in cursor.fetchall()]

    def rows(self, statement: str, params: Any = None) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    def columns(self, table: str) -> list[str]:
        """The columns a copy writes: not the id, not a generated column (the database computes it)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                           "AND is_generated = 'ALWAYS'", [table])
            generated = {row[0] for row in cursor.fetchall()}
            return [c.name for c in connection.introspection.get_table_description(cursor, table)
                    if c.name != "id" and c.name not in generated]

    def rest(self, table: str, named: str) -> tuple[str, str]:
        """The NOT NULL columns a hand-written INSERT does not name (added by a later migration), with the model's
        default: `, "c1", "c2"` for the column list and `, v1, v2` for the SELECT (a column without default is left
        out and fails loudly, as it should)."""
        import json
        from datetime import date

        from django.apps import apps

        model = next(m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table)
        named_set = {c.strip().strip('"') for c in named.split(",")}
        cols, values = [], []
        for field in model._meta.concrete_fields:
            if field.primary_key or field.null or field.column in named_set:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = "now()"
            else:
                default = field.get_default()
                if default is None:
                    continue
                if isinstance(default, bool):
                    value = "true" if default else "false"
                elif isinstance(default, int | float):
                    value = str(default)
                elif isinstance(default, dict | list):
                    value = "'" + json.dumps(default).replace("'", "''") + "'::jsonb"
                elif isinstance(default, str | date):
                    value = "'" + str(default).replace("'", "''") + "'"
                else:
                    continue
            if "%" in value:
                continue  # the statements are %-formatted
            cols.append(f', "{field.column}"')
            values.append(f", {value}")
        return "".join(cols), "".join(values)

    def clone(self, table: str, template_id: int, count: int, overrides: dict[str, str], params: Any = None,
              *, returning: bool = False) -> list[int] | int:
        """`count` copies of row `template_id`; `overrides` are SQL expressions over g (1..count) and t (the row)."""
        cols = self.columns(table)
        select = ", ".join(overrides.get(c, f't."{c}"') for c in cols)
        statement = (f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
                     f'SELECT {select} FROM "{table}" t CROSS JOIN generate_series(1, {int(count)}) g '
                     f"WHERE t.id = {int(template_id)}")
        if returning:
            return self.ids(statement + " RETURNING id", params)
        return self.sql(statement, params)

    def clone_children(self, table: str, fk: str, template_parent: int, parents_sql: str, params: Any = None,
                       overrides: dict[str, str] | None = None) -> int:
        """Every child row of `template_parent` copied once under each parent id that `parents_sql` selects (p.id)."""
        cols = self.columns(table)
        overrides = {fk: "p.id", **(overrides or {})}
        select = ", ".join(overrides.get(c, f't."{c}"') for c in cols)
        return self.sql(f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
                        f'SELECT {select} FROM "{table}" t CROSS JOIN ({parents_sql}) p '
                        f'WHERE t."{fk}" = {int(template_parent)}', params)

    def copy(self, table: str, source_sql: str, overrides: dict[str, str], params: Any = None,
             *, returning: bool = False) -> list[int] | int:
        """One copy of a template row per row of `source_sql` (x): x.tpl names the template row (t), `overrides`
        are SQL expressions over t and x; the general form of `clone` when each copy has its own template."""
        cols = self.columns(table)
        select = ", ".join(overrides.get(c, f't."{c}"') for c in cols)
        statement = (f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
                     f'SELECT {select} FROM ({source_sql}) x JOIN "{table}" t ON t.id = x.tpl')
        if returning:
            return self.ids(statement + " RETURNING id", params)
        return self.sql(statement, params)

    def step(self, name: str, func, *, atomic: bool = True) -> Any:
        t0 = time.perf_counter()
        if atomic:
            with transaction.atomic():
                result = func()
        else:  # VACUUM refuses to run inside a transaction
            result = func()
        self.steps[name] = round(time.perf_counter() - t0, 2)
        self.log(f"  seed {name:<28} {self.steps[name]:>6.1f} s  {result if isinstance(result, str) else ''}")
        return result

    # ---- the template ---------------------------------------------------------------------------------
    def template(self) -> dict:
        """The demo data of every stage, built through the real services; a stage that fails is reported."""
        from pilotbase import registry
        from pilotbase.demo import seed_core

        core = seed_core()
        failed = []
        for _order, name, seeder in registry.seeders():
            try:
                with transaction.atomic():
                    seeder(core)
            except Exception as exc:  # a bench reports, it does not stop
                failed.append(f"{name}: {type(exc).__name__}: {exc}"[:200])
        self.template_failures = failed
        return core

    # ---- the copies -------------------------------------------------------------------------------------
    def run(self) -> dict:
        t0 = time.perf_counter()
        if "template (services)" not in self.steps:
            self.step("template (services)", self.template)
        for failure in self.template_failures:
            self.log(f"  ! template stage failed: {failure}")
        self.step("organisations and users", self.organisations)
        self.step("calls (10 years)", self.calls)
        self.step("applications and rows", self.applications)
        self.step("review records", self.review_records)
        self.step("bases and certificates", self.bases)
        self.step("later stages (5 years)", self.stages)
        self.step("experts and seats", self.experts_and_seats)
        self.step("transition log", self.transition_log)
        self.step("draw candidates", self.draw_candidates)
        self.step("closed notices", self.closed_notices)
        # the statistics, and the visibility map the lists' index-only state counts read (without it every entry
        # is checked in the table; in production autovacuum keeps it, docs/operations.md)
        self.step("vacuum analyze", lambda: self.sql("VACUUM (ANALYZE)"), atomic=False)
        total = round(time.perf_counter() - t0, 1)
        self.log(f"  seed total {total:.1f} s")
        return {"steps": self.steps, "total_s": total, "template_failures": self.template_failures,
                "rows": self.row_counts()}

    def organisations(self) -> str:
        from pilotbase.models import Organization, OrgKind, Role, User

        template_org = Organization.objects.filter(kind=OrgKind.APPLICANT).order_by("id").first()
        template_user = User.objects.filter(role=Role.APPLICANT, organization=template_org).order_by("id").first()
        authorities = list(Organization.objects.filter(kind=OrgKind.AUTHORITY).values_list("id", "city_id"))
        self.n_orgs = self.n(9_400)
        auth_ids = [a for a, _c in authorities]
        city_ids = [c for _a, c in authorities]
        new = self.clone("pilotbase_organization", template_org.pk, self.n_orgs, {
            "name": "'广西基准' || g || '号科技有限公司'", "short_name": "'基准' || g",
            "credit_code": "'9145' || lpad(g::text, 13, '0') || 'X'",
            "authority_id": "(%(a)s::int[])[1 + g %% cardinality(%(a)s::int[])]",
            "city_id": "(%(c)s::int[])[1 + g %% cardinality(%(c)s::int[])]",
        }, {"a": auth_ids, "c": city_ids}, returning=True)
        self.org_ids = new
        self.sql("INSERT INTO pilotbase_organization_industries (organization_id, industry_id) "
                 "SELECT o, (SELECT id FROM pilotbase_industry ORDER BY id LIMIT 1 OFFSET o %% 10) FROM unnest(%s::int[]) o",
                 [new])
        self.clone("pilotbase_user", template_user.pk, len(new), {
            "username": "'bench-app-' || g", "email": "'bench-app-' || g || '@example.cn'",
            "first_name": "'用户' || g", "last_name": "''",
            "organization_id": "(%(o)s::int[])[g]", "last_login": "NULL",
        }, {"o": new})
        return f"{len(new)} applicant units, {len(new)} users"

    def calls(self) -> str:
        from django.utils import timezone

        from applications.models import Call

        template = Call.objects.order_by("id").first()
        now = timezone.now()
        self.template_call = template.pk
        year = timezone.localdate().year
        # 2 calls a year for 10 years; the last two of this year are open (6 and 20 days left)
        specs = []
        for k in range(20):
            y = year - 9 + k // 2
            if k == 18:
                opens, closes = now - timezone.timedelta(days=30), now + timezone.timedelta(days=6)
            elif k == 19:
                opens, closes = now - timezone.timedelta(days=10), now + timezone.timedelta(days=20)
            else:
                opens = timezone.datetime(y, 3 + 5 * (k % 2), 1, tzinfo=timezone.get_current_timezone())
                closes = opens + timezone.timedelta(days=45)
            specs.append((y, f"{y}年度自治区中试研究基地建设申报（第{k % 2 + 1}批·基准）", opens, closes))
        new = []
        for y, title, opens, closes in specs:
            (pk,) = self.clone("applications_call", template.pk, 1, {
                "year": "%(y)s", "title": "%(t)s", "opens_at": "%(o)s", "closes_at": "%(c)s",
                "recommendation_deadline": "%(r)s", "state": "'published'", "reminder_days": "'7,3,1'",
            }, {"y": y, "t": title, "o": opens, "c": closes, "r": closes + timezone.timedelta(days=20)}, returning=True)
            new.append(pk)
            for child in ("applications_requiredattachment", "applications_scoreindicator", "applications_checkitem"):
                self.clone_children(child, "call_id", template.pk, "SELECT %s AS id", [pk])
            for m2m, col in (("applications_call_industries", "industry_id"),
                             ("applications_call_platform_types", "platformtype_id")):
                self.sql(f"INSERT INTO {m2m} (call_id, {col}) SELECT %s, {col} FROM {m2m} WHERE call_id = %s",
                         [pk, template.pk])
        self.call_ids = new
        return f"{len(new)} calls"

    def applications(self) -> str:
        from django.db.models import Count

        from applications.models import Application

        templates = dict(Application.objects.order_by("state", "-id").values_list("state", "id"))
        rich = (Application.objects.annotate(n=Count("equipment", distinct=True) + Count("team", distinct=True))
                .order_by("-n", "id").first())
        fallback = templates.get("under_review") or templates.get("submitted") or next(iter(templates.values()))
        total = self.n(20_000)
        per_call = total // len(self.call_ids)
        closed_mix = [("certified", 15), ("rejected", 30), ("declined", 25), ("withdrawn", 5), ("under_review", 0),
                      ("draft", 25)]
        recent_mix = [("under_review", 60), ("on_notice", 15), ("rejected", 10), ("declined", 10), ("draft", 5)]
        open_mix = [("draft", 60), ("submitted", 20), ("returned", 5), ("recommended", 10), ("withdrawn", 5)]
        made = 0
        self.app_state_ids: dict[str, list[int]] = {}
        for index, call_id in enumerate(self.call_ids):
            mix = open_mix if index >= 18 else recent_mix if index >= 16 else closed_mix
            for state, pct in mix:
                count = per_call * pct // 100
                if not count:
                    continue
                template = templates.get(state, fallback)
                submitted = "NULL" if state == "draft" else "c.opens_at + (g %% 40) * interval '1 day'"
                number = "NULL" if state == "draft" else f"'GXZS-{call_id}-{state[:3]}-' || g"
                ids = self.clone("applications_application", template, count, {
                    "call_id": "%(call)s", "state": "%(state)s",
                    "applicant_id": "(%(o)s::int[])[1 + (g * 7 + %(call)s) %% cardinality(%(o)s::int[])]",
                    "authority_id": "(SELECT authority_id FROM pilotbase_organization WHERE id = "
                                    "(%(o)s::int[])[1 + (g * 7 + %(call)s) %% cardinality(%(o)s::int[])])",
                    "name": "'广西' || g || '号' || %(state)s || '科技成果转化中试研究基地（' || %(call)s || '）'",
                    "acceptance_no": number, "base_id": "NULL", "pdf": "''",
                    "submitted_at": f"(SELECT {submitted} FROM applications_call c WHERE c.id = %(call)s)"
                    if state != "draft" else "NULL",
                }, {"call": call_id, "state": state, "o": self.org_ids}, returning=True)
                self.app_state_ids.setdefault(state, []).extend(ids)
                for child in ("applications_equipment", "applications_teammember"):
                    self.clone_children(child, "application_id", rich.pk,
                                        "SELECT unnest(%s::int[]) AS id", [ids])
                made += len(ids)
        # partners: a consortium every third application, its partner another unit
        all_ids = [i for ids in self.app_state_ids.values() for i in ids]
        self.sql("INSERT INTO applications_partner (application_id, organization_id, role, \"order\") "
                 "SELECT a.id, (%s::int[])[1 + (a.id * 13) %% cardinality(%s::int[])], '共建', 1 "
                 "FROM applications_application a WHERE a.id = ANY(%s) AND a.id %% 3 = 0 "
                 "AND (%s::int[])[1 + (a.id * 13) %% cardinality(%s::int[])] <> a.applicant_id",
                 [self.org_ids, self.org_ids, all_ids, self.org_ids, self.org_ids])
        self.sql("UPDATE applications_application SET is_consortium = true WHERE id = ANY(%s) AND id %% 3 = 0", [all_ids])
        return f"{made} applications"

    def review_records(self) -> str:
        """A recommendation per application the authority saw, a formal check per one the department saw."""
        rec_state = {"submitted": "pending", "returned": "returned", "declined": "declined", "withdrawn": "withdrawn"}
        reached = ["recommended", "under_review", "on_notice", "certified", "rejected"]
        n = 0
        for state, ids in self.app_state_ids.items():
            if state == "draft":
                continue
            rstate = rec_state.get(state, "forwarded" if state in reached[1:] else "recommended")
            n += self.sql("INSERT INTO reviews_recommendation (application_id, authority_id, state, opinion, priority) "
                          "SELECT id, authority_id, %s, '同意推荐', 1 FROM applications_application WHERE id = ANY(%s)",
                          [rstate, ids])
            if state in reached[1:]:
                fstate = "pending" if state == "under_review" else "passed"
                self.sql("INSERT INTO reviews_formalcheck (application_id, state, results, opinion) "
                         "SELECT id, %s, '{}'::jsonb, '' FROM applications_application WHERE id = ANY(%s)", [fstate, ids])
        return f"{n} recommendations"

    def bases(self) -> str:
        total = self.n(3_000)
        certified = self.app_state_ids.get("certified", [])
        ind = self.ids("SELECT id FROM pilotbase_industry ORDER BY id")
        plat = self.ids("SELECT id FROM pilotbase_platformtype ORDER BY id")
        city = self.ids("SELECT id FROM pilotbase_city ORDER BY id")
        named = ("name, lead_unit_id, city_id, industry_id, platform_type_id, batch, certified_on, "
                 "construction_years, state, services, plaque_issued_on, plaque_received_by, created_at")
        more_cols, more_values = self.rest("pilotbase_base", named)
        base_ids = self.ids(
            f"INSERT INTO pilotbase_base ({named}{more_cols}) "
            "SELECT '广西' || g || '号中试研究基地', (%(o)s::int[])[1 + g %% cardinality(%(o)s::int[])], "
            "(%(c)s::int[])[1 + g %% cardinality(%(c)s::int[])], (%(i)s::int[])[1 + g %% cardinality(%(i)s::int[])], "
            "(%(p)s::int[])[1 + g %% cardinality(%(p)s::int[])], 1 + g %% 10, "
            "current_date - (2200 + g %% 1800) * interval '1 day', 3, "
            "CASE WHEN g %% 50 = 0 THEN 'rectifying' WHEN g %% 97 = 0 THEN 'revoked' ELSE 'active' END, "
            f"'中试熟化、检验检测、工艺验证', NULL, '', now(){more_values} FROM generate_series(1, %(n)s) g RETURNING id",
            {"o": self.org_ids, "c": city, "i": ind, "p": plat, "n": total})
        named = "base_id, number, year, sequence, issued_on, token, pdf, state, revoked_on, revoked_reason"
        more_cols, more_values = self.rest("pilotbase_certificate", named)
        after = self.one("SELECT COALESCE(max(sequence), 0) FROM pilotbase_certificate")  # the template's own
        self.sql(f"INSERT INTO pilotbase_certificate ({named}{more_cols}) "
                 "SELECT b, 'GXZS-' || (2017 + k %% 10) || '-' || lpad((k + %s)::text, 6, '0'), "
                 "2017 + k %% 10, k + %s, current_date - (2200 + k %% 1800)::int, md5(random()::text || k)::uuid, '', "
                 f"'valid', NULL, ''{more_values} FROM unnest(%s::int[]) WITH ORDINALITY AS u(b, k)",
                 [after, after, base_ids])
        self.sql("UPDATE applications_application a SET base_id = u.b FROM unnest(%s::int[], %s::int[]) AS u(a, b) "
                 "WHERE a.id = u.a", [certified[:len(base_ids)], base_ids[:len(certified)]])
        self.base_ids = base_ids
        return f"{len(base_ids)} bases"

    def experts_and_seats(self) -> str:
        from pilotbase.models import ExpertProfile, Organization, OrgKind, Role, User

        template = ExpertProfile.objects.select_related("user").order_by("id").first()
        agency = Organization.objects.filter(kind=OrgKind.AGENCY).order_by("id").first()
        staff = User.objects.filter(role=Role.DEPARTMENT).order_by("id").first()
        n_experts = self.n(5_000)
        users = self.clone("pilotbase_user", template.user_id, n_experts, {
            "username": "'bench-expert-' || g", "email": "'bench-expert-' || g || '@example.cn'",
            "first_name": "'专家' || g", "last_name": "''", "last_login": "NULL"}, returning=True)
        experts = self.ids("INSERT INTO pilotbase_expertprofile (user_id, kind, title, city_id, available) "
                           "SELECT u, %s, '教授', %s, true FROM unnest(%s::int[]) u RETURNING id",
                           [template.kind, template.city_id, users])
        self.sql("INSERT INTO pilotbase_expertprofile_industries (expertprofile_id, industry_id) "
                 "SELECT e, (SELECT id FROM pilotbase_industry ORDER BY id LIMIT 1 OFFSET e %% 10) FROM unnest(%s::int[]) e",
                 [experts])
        # one commission per call with applications that reached the agency; an assessment per application
        assessed = {s: self.app_state_ids.get(s, []) for s in ("under_review", "on_notice", "certified", "rejected")}
        self.sql("INSERT INTO reviews_commission (call_id, agency_id, title, due_on, note, state, created_by_id, created_at) "
                 "SELECT DISTINCT call_id, %s, '评估论证委托（基准）', current_date + 30, '', 'issued', %s, now() "
                 "FROM applications_application WHERE id = ANY(%s)",
                 [agency.pk, staff.pk, [i for ids in assessed.values() for i in ids]])
        a_state = {"under_review": "scoring", "on_notice": "passed", "certified": "passed", "rejected": "failed"}
        for state, ids in assessed.items():
            self.sql("INSERT INTO reviews_assessment (application_id, commission_id, state, total_score, vetoed, "
                     "consensus_opinion, concluded_by_id, concluded_at) SELECT a.id, c.id, %s, NULL, false, '', NULL, NULL "
                     "FROM applications_application a JOIN reviews_commission c ON c.call_id = a.call_id "
                     "AND c.title = '评估论证委托（基准）' WHERE a.id = ANY(%s)", [a_state[state], ids])
        self.sql("INSERT INTO reviews_paneldraw (assessment_id, seed, criteria, candidates, exclusions, drawn, "
                 "replaces_id, drawn_by_id, drawn_at) SELECT s.id, 'bench' || s.id, '{}'::jsonb, '[]'::jsonb, '[]'::jsonb, "
                 "'[]'::jsonb, NULL, %s, now() FROM reviews_assessment s JOIN reviews_commission c ON c.id = s.commission_id "
                 "WHERE c.title = '评估论证委托（基准）'", [staff.pk])
        # historical seats (submitted) on concluded assessments, and the open deadlines: open seats on those in scoring
        closed = self.ids("SELECT s.id FROM reviews_assessment s JOIN reviews_commission c ON c.id = s.commission_id "
                          "WHERE c.title = '评估论证委托（基准）' AND s.state <> 'scoring' ORDER BY s.id")
        scoring = self.ids("SELECT s.id FROM reviews_assessment s JOIN reviews_commission c ON c.id = s.commission_id "
                           "WHERE c.title = '评估论证委托（基准）' AND s.state = 'scoring' ORDER BY s.id")
        drafts_open = self.one("SELECT count(*) FROM applications_application WHERE state = 'draft' AND call_id = ANY(%s)",
                               [self.call_ids[18:]])
        seats = 0
        for ids, wanted, state, due in (
                (closed, self.n(60_000), "submitted", "current_date - 400 + ((k) %% 300)::int"),
                (scoring, max(0, self.n(100_000) - drafts_open), "accepted", "current_date - 20 + ((k) %% 41)::int")):
            if not ids:
                continue
            per = max(1, wanted // len(ids))
            seats += self.sql(
                "INSERT INTO reviews_expertassignment (assessment_id, expert_id, draw_id, state, due_on, coi_declaration, "
                "opinion, vetoed, veto_reason, total, responded_at, submitted_at) "
                f"SELECT s.id, (%(e)s::int[])[1 + (s.id * 31 + j) %% cardinality(%(e)s::int[])], d.id, %(st)s, "
                f"{due.replace('k', '(s.id + j)')}, '本人与申报单位无利益关系', '', false, '', NULL, now(), NULL "
                "FROM unnest(%(a)s::int[]) AS s(id) JOIN reviews_paneldraw d ON d.assessment_id = s.id "
                "CROSS JOIN generate_series(0, %(per)s - 1) j",
                {"e": experts, "st": state, "a": ids, "per": min(per, len(experts))})
        return f"{len(experts)} experts, {seats} seats, {drafts_open} drafts on open calls"

    def transition_log(self) -> str:
        from django.contrib.contenttypes.models import ContentType

        from applications.models import Application

        ct = ContentType.objects.get_for_model(Application).pk
        total = self.n(1_000_000)
        long_one = self.app_state_ids.get("under_review", [None])[0]
        self.long_timeline_id = long_one
        self.sql("INSERT INTO pilotbase_transitionlog (record_type_id, record_id, subject_type_id, subject_id, transition, "
                 "label, from_state, to_state, from_label, to_label, actor_id, actor_name, actor_org, comment, decision, at) "
                 "SELECT %(ct)s, a.id, %(ct)s, a.id, 'submit', '提交申报', 'draft', 'submitted', '草稿', '待推荐单位审核', NULL, "
                 "'基准用户', '基准单位', '第' || g || '次操作', NULL, now() - g * interval '1 minute' "
                 "FROM generate_series(1, %(n)s) g JOIN LATERAL (SELECT id FROM applications_application "
                 "WHERE id = (%(ids)s::int[])[1 + g %% cardinality(%(ids)s::int[])]) a ON true",
                 {"ct": ct, "n": total - 400, "ids": self.ids("SELECT id FROM applications_application")})
        if long_one:  # one application with a long timeline (400 rows)
            self.sql("INSERT INTO pilotbase_transitionlog (record_type_id, record_id, subject_type_id, subject_id, "
                     "transition, label, from_state, to_state, from_label, to_label, actor_id, actor_name, actor_org, "
                     "comment, decision, at) SELECT %(ct)s, %(a)s, %(ct)s, %(a)s, 'return_for_revision', '退回修改', "
                     "'submitted', 'returned', '待推荐单位审核', '退回修改', NULL, '基准用户', '基准单位', '请补充材料' || g, "
                     "NULL, now() - g * interval '1 hour' FROM generate_series(1, 400) g", {"ct": ct, "a": long_one})
        return f"{total} rows"

    def bench_calls(self) -> list[int]:
        """The bench's calls, oldest first (`calls` made them; read back so that a later step runs on its own)."""
        return self.ids("SELECT id FROM applications_call WHERE title LIKE %s ORDER BY id", ["%·基准）"])

    def draw_candidates(self) -> str:
        """The draws of one closed call as the real draw records them: every available expert a candidate (~4,700
        of 5,000), a few excluded with their reason, the drawn ones its seats' experts. One call only: the
        candidates are ~30 KB of JSON per draw."""
        call = self.bench_calls()[15]
        n = self.sql(
            "WITH pool AS (SELECT jsonb_agg(id ORDER BY id) FILTER (WHERE id %% 16 <> 0) AS candidates, "
            "jsonb_agg(jsonb_build_object('expert', id, 'reason', '与申报单位存在利益关系') ORDER BY id) "
            "FILTER (WHERE id %% 500 = 0) AS exclusions FROM pilotbase_expertprofile) "
            "UPDATE reviews_paneldraw d SET candidates = pool.candidates, exclusions = pool.exclusions, "
            "drawn = COALESCE((SELECT jsonb_agg(e.expert_id ORDER BY e.id) FROM reviews_expertassignment e "
            "WHERE e.draw_id = d.id), '[]'::jsonb) FROM pool, reviews_assessment s "
            "JOIN reviews_commission c ON c.id = s.commission_id "
            "WHERE d.assessment_id = s.id AND c.call_id = %s AND c.title = '评估论证委托（基准）'", [call])
        return f"{n} draws of call {call}"

    def closed_notices(self) -> str:
        """A closed 拟认定名单 公示 for each closed call, listing its certified applications (~150 a call)."""
        from pilotbase.models import Role, User

        staff = User.objects.filter(role=Role.DEPARTMENT).order_by("id").first()
        named = ("kind, call_id, title, body, starts_on, ends_on, last_day, working_days, contact, state, "
                 "created_by_id, created_at")
        more_cols, more_values = self.rest("reviews_publicnotice", named)
        notices = self.ids(
            f"INSERT INTO reviews_publicnotice ({named}{more_cols}) "
            "SELECT 'certification', c.id, c.year || '年度自治区中试研究基地拟认定名单公示（基准）', "
            "'经评估论证和综合评议，拟认定以下申报为自治区中试研究基地，现予公示。', "
            "(c.closes_at + interval '60 days')::date, (c.closes_at + interval '68 days')::date, "
            "(c.closes_at + interval '67 days')::date, 5, '0771-0000000', 'closed', %s, c.closes_at + interval '59 days'"
            f"{more_values} FROM applications_call c WHERE c.id = ANY(%s) ORDER BY c.id RETURNING id",
            [staff.pk, self.bench_calls()[:16]])
        named = "notice_id, application_id, base_id, text, \"order\", state, removal_reason"
        more_cols, more_values = self.rest("reviews_noticeentry", named)
        entries = self.sql(
            f"INSERT INTO reviews_noticeentry ({named}{more_cols}) "
            "SELECT n.id, a.id, NULL, '', (row_number() OVER (PARTITION BY n.id ORDER BY a.id))::int, 'certified', ''"
            f"{more_values} FROM reviews_publicnotice n JOIN applications_application a ON a.call_id = n.call_id "
            "WHERE n.id = ANY(%s) AND a.state = 'certified'", [notices])
        return f"{len(notices)} notices, {entries} lines"

    def row_counts(self) -> dict[str, int]:
        tables = ["applications_application", "applications_partner", "applications_equipment",
                  "applications_teammember", "applications_call", "pilotbase_organization", "pilotbase_user",
                  "pilotbase_base", "pilotbase_certificate", "pilotbase_expertprofile", "reviews_expertassignment",
                  "reviews_assessment", "pilotbase_transitionlog", "reviews_recommendation", "reviews_formalcheck",
                  "evaluations_annualreport", "evaluations_evaluation", "evaluations_evaluationscore",
                  "evaluations_evaluationresult", "evaluations_rectification", "evaluations_revocation",
                  "subsidies_rewardline", "subsidies_ledgerentry", "subsidies_constructiongrant", "subsidies_recovery",
                  "sharing_serviceoffering", "sharing_servicerequest"]
        return {t: self.one(f"SELECT count(*) FROM {t}") for t in tables}
