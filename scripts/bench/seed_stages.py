"""The later stages at scale, copied from the template as the rest of the seed (scripts/bench/seed.py): for the
bench's bases 5 years of 绩效考核 (the template's published round copied for the four years before it: reports,
evaluations with their scores, results, grades over the bands; rectifications after a 整改 grade, revocations and
recoveries for the revoked bases) and this year's open round with reports in every filing state; 奖补 over those
years (a reward year per evaluation year with its lines and ledger rows, construction grants with their spending);
开放共享 (two catalogue entries a base, service requests in every state from the demo requester).

Which bench base gets which grade is one SQL expression over (base, year) in the temporary table bench_grade:
about 12 % 优秀, 33 % 良好, 45 % 合格, 6 % 整改 and 4 % 不合格 (never two failed years in a row, except the revoked
bases: 不合格 in the last two years, which is why they were revoked; the rectifying bases: 整改 in the last)."""

from __future__ import annotations

SHIFT = "(%(y0)s - x.year) * interval '1 year'"  # a template row of year y0 moved to the copy's year


class StagesSeeder:
    """Mixed into scripts.bench.seed.Seeder (its sql/one/ids/clone/copy/rest helpers and base_ids)."""

    def stages(self) -> str:
        from evaluations.models import EvaluationRound

        published = EvaluationRound.objects.filter(state="published").order_by("-year").first()
        if published is None or not self.base_ids:
            return "no published round in the template"
        self.y0 = published.year
        self.tpl_round = published.pk
        self.lead_unit_bases()
        self.sql("DROP TABLE IF EXISTS bench_grade")
        self.sql("CREATE TEMP TABLE bench_grade AS SELECT b.id AS base_id, y AS year, b.lead_unit_id, "
                 "(SELECT min(u.id) FROM pilotbase_user u WHERE u.organization_id = b.lead_unit_id "
                 "AND u.role = 'applicant') AS lead_user, CASE "
                 "WHEN b.state = 'revoked' AND y >= %(y0)s - 1 THEN 'fail' "
                 "WHEN b.state = 'rectifying' AND y = %(y0)s THEN 'rectify' "
                 "WHEN (b.id * 37 + y * 11) %% 100 < 12 THEN 'excellent' "
                 "WHEN (b.id * 37 + y * 11) %% 100 < 45 THEN 'good' "
                 "WHEN (b.id * 37 + y * 11) %% 100 < 90 OR b.state = 'revoked' THEN 'pass' "
                 "WHEN (b.id * 37 + y * 11) %% 100 < 96 AND y < %(y0)s THEN 'rectify' "
                 "WHEN (b.id * 37 + y * 11) %% 100 >= 96 AND (%(y0)s - y) %% 2 = 1 THEN 'fail' "
                 "ELSE 'pass' END AS grade "
                 "FROM pilotbase_base b CROSS JOIN generate_series(%(y0)s - 4, %(y0)s) y WHERE b.id = ANY(%(b)s)",
                 {"y0": self.y0, "b": self.base_ids})
        out = [self.rounds(), self.reports_and_evaluations(), self.placements(), self.current_round(), self.consequences(),
               self.rewards(), self.construction(), self.sharing()]
        self.sql("DROP TABLE bench_grade")
        return "; ".join(out)

    def lead_unit_bases(self) -> None:
        """One bench base in a hundred led by the template's first lead unit (a demo login): its 我的基地 and
        我的年度报告 then list many rows."""
        lead = self.one("SELECT lead_unit_id FROM pilotbase_base ORDER BY id LIMIT 1")
        self.sql("UPDATE pilotbase_base SET lead_unit_id = %s WHERE id = ANY(%s) AND id %% 100 = 1",
                 [lead, self.base_ids])

    # ---- 绩效考核 -------------------------------------------------------------------------------------------
    def rounds(self) -> str:
        """The published round for the four years before it, each with its notice, indicators and bands."""
        notice = self.one("SELECT notice_id FROM evaluations_evaluationround WHERE id = %s", [self.tpl_round])
        shift = "(5 - g) * interval '1 year'"
        notices = self.clone("reviews_publicnotice", notice, 4, {
            "title": f"replace(t.title, '{self.y0}', ({self.y0} - 5 + g)::text)",
            "starts_on": f"(t.starts_on - {shift})::date", "ends_on": f"(t.ends_on - {shift})::date",
            "last_day": f"(t.last_day - {shift})::date", "created_at": f"t.created_at - {shift}",
        }, returning=True) if notice else None
        self.clone("evaluations_evaluationround", self.tpl_round, 4, {
            "year": f"{self.y0} - 5 + g", "title": f"replace(t.title, '{self.y0}', ({self.y0} - 5 + g)::text)",
            "reference_date": f"(t.reference_date - {shift})::date",
            "report_deadline": f"(t.report_deadline - {shift})::date", "created_at": f"t.created_at - {shift}",
            "notice_id": "(%(n)s::int[])[g]" if notices else "NULL",
        }, {"n": notices})
        new = "SELECT id FROM evaluations_evaluationround WHERE year BETWEEN %s AND %s"
        for child in ("evaluations_roundindicator", "evaluations_gradeband"):
            self.clone_children(child, "round_id", self.tpl_round, new, [self.y0 - 4, self.y0 - 1])
        return "4 rounds"

    def reports_and_evaluations(self) -> str:
        y0, tpl = self.y0, self.tpl_round
        rounds = "JOIN evaluations_evaluationround r ON r.year = g.year"
        tb = self.one("SELECT min(id) FROM evaluations_roundbase WHERE round_id = %s", [tpl])
        self.copy("evaluations_roundbase", f"SELECT {tb} AS tpl, r.id AS round_id, g.base_id FROM bench_grade g {rounds}",
                  {"round_id": "x.round_id", "base_id": "x.base_id"})
        accepted, late = (self.one("SELECT min(id) FROM evaluations_annualreport WHERE round_id = %s AND state = %s",
                                   [tpl, s]) for s in ("accepted", "late"))
        late = late or accepted
        by = "COALESCE(x.lead_user, t.submitted_by_id)"
        n = self.copy("evaluations_annualreport",
                      f"SELECT CASE WHEN g.grade = 'fail' THEN {late} ELSE {accepted} END AS tpl, r.id AS round_id, "
                      f"g.* FROM bench_grade g {rounds}", {
                          "round_id": "x.round_id", "base_id": "x.base_id",
                          "submitted_by_id": f"CASE WHEN t.submitted_by_id IS NULL THEN NULL ELSE {by} END",
                          **{c: f"t.{c} - {SHIFT}" for c in ("submitted_at", "confirmed_at", "accepted_at",
                                                            "updated_at", "created_at")}}, {"y0": y0})
        grades = dict(self.rows("SELECT grade, min(id) FROM evaluations_evaluation WHERE round_id = %s GROUP BY grade",
                                [tpl]))
        pass_tpl = grades.get("pass") or next(iter(grades.values()))
        case = "CASE " + " ".join(f"WHEN g.grade = '{grade}' THEN {grades.get(grade, pass_tpl)}"
                                  for grade in ("excellent", "good", "pass", "fail")) + f" ELSE {pass_tpl} END"
        self.copy("evaluations_evaluation",
                  f"SELECT {case} AS tpl, rep.round_id, rep.id AS report_id, g.* FROM bench_grade g {rounds} "
                  "JOIN evaluations_annualreport rep ON rep.round_id = r.id AND rep.base_id = g.base_id", {
                      "round_id": "x.round_id", "base_id": "x.base_id", "report_id": "x.report_id",
                      "grade": "x.grade", "proposed_grade": "x.grade", "placed_grade": "x.grade",
                      "total": "CASE WHEN x.grade = 'rectify' THEN 55 ELSE t.total END",
                      "comment": "CASE WHEN x.grade = 'rectify' THEN '年度报告数据不完整，综合评价为整改。' "
                                 "ELSE t.comment END",
                      "scored_at": f"t.scored_at - {SHIFT}", "confirmed_at": f"t.confirmed_at - {SHIFT}"},
                  {"y0": y0})
        # the scores: the template evaluation's, on the copy's round's indicator of the same order
        ecase = case.replace("g.grade", "e.grade")
        scores = self.sql(
            "INSERT INTO evaluations_evaluationscore (score, veto, comment, evaluation_id, indicator_id, seat_id) "
            "SELECT CASE WHEN e.grade = 'rectify' THEN round(s.score * 55 / NULLIF(te.total, 0), 2) ELSE s.score END, "
            f"s.veto, s.comment, e.id, ni.id, NULL FROM evaluations_evaluation e JOIN evaluations_evaluation te "
            f"ON te.id = {ecase} JOIN evaluations_evaluationscore s ON s.evaluation_id = te.id "
            "JOIN evaluations_roundindicator ti ON ti.id = s.indicator_id JOIN evaluations_roundindicator ni "
            "ON ni.round_id = e.round_id AND ni.\"order\" = ti.\"order\" WHERE e.base_id = ANY(%s)", [self.base_ids])
        named = "base_id, year, grade, source, recorded_at"
        cols, values = self.rest("evaluations_evaluationresult", named)
        self.sql(f"INSERT INTO evaluations_evaluationresult ({named}{cols}) SELECT base_id, year, grade, 'evaluated', "
                 f"make_date(year + 1, 3, 20){values} FROM bench_grade")
        return f"{n} reports, {scores} scores"

    def placements(self) -> str:
        """The copied rounds' placements as 确认考核等次 stores them (the grades page of a confirmed round reads them):
        `round_placements` over each round, written where the copy differs (the copies take the template's row of
        their grade, and its quota note is the template base's). A copied grade the quotas do not give would need a
        change reason: the constraint then stops the seed, since the bench would measure a page no round can have."""
        from evaluations.models import Evaluation, EvaluationRound
        from evaluations.services.scoring import round_placements

        changed = 0
        for rnd in EvaluationRound.objects.filter(year__gte=self.y0 - 4, year__lte=self.y0).exclude(
                evaluations__state__in=["pending", "scored"]):
            evaluations = list(Evaluation.objects.filter(round=rnd).only("state", "total", "fail_reason"))
            rows = [(r.evaluation.pk, r.placement.grade,
                     r.placement.explanation if r.placement.grade != r.placement.proposed else "")
                    for r in round_placements(rnd, evaluations)]
            changed += self.sql(
                "UPDATE evaluations_evaluation e SET placed_grade = v.placed, quota_note = v.note "
                "FROM unnest(%s::int[], %s::text[], %s::text[]) v(id, placed, note) WHERE e.id = v.id "
                "AND (e.placed_grade, e.quota_note) IS DISTINCT FROM (v.placed, v.note)",
                [list(c) for c in zip(*rows, strict=True)] if rows else [[], [], []])
        return f"{changed} placements rewritten"

    def current_round(self) -> str:
        """This year's open round (the template's): the bench bases' reports in the template's filing states."""
        current = self.one("SELECT max(id) FROM evaluations_evaluationround WHERE state = 'reports_open'")
        if current is None:
            return "no open round"
        tb = self.one("SELECT min(id) FROM evaluations_roundbase WHERE round_id = %s", [current])
        tpls = self.ids("SELECT id FROM evaluations_annualreport WHERE round_id = %s ORDER BY id", [current])
        source = "SELECT %(tb)s AS tpl, b AS base_id FROM unnest(%(b)s::int[]) b"
        params = {"tb": tb, "b": self.base_ids, "t": tpls}
        self.copy("evaluations_roundbase", source, {"base_id": "x.base_id"}, params)
        n = self.copy("evaluations_annualreport",
                      "SELECT (%(t)s::int[])[1 + b %% cardinality(%(t)s::int[])] AS tpl, b AS base_id "
                      "FROM unnest(%(b)s::int[]) b", {"base_id": "x.base_id"}, params)
        return f"{n} open-round reports"

    def consequences(self) -> str:
        """A rectification for each 整改 grade (accepted, the last year's still open: the base is rectifying), a
        revocation and a recovery with a first payment for each revoked base."""
        rect = self.one("SELECT min(id) FROM evaluations_rectification WHERE state = 'accepted'")
        rev = self.one("SELECT min(id) FROM evaluations_revocation WHERE state = 'revoked'")
        made = {"rectifications": 0, "revocations": 0}
        if rect:
            open_ = "x.year = %(y0)s"
            made["rectifications"] = self.copy(
                "evaluations_rectification",
                f"SELECT {rect} AS tpl, g.*, res.id AS result_id FROM bench_grade g JOIN evaluations_evaluationresult res "
                "ON res.base_id = g.base_id AND res.year = g.year WHERE g.grade = 'rectify'", {
                    "base_id": "x.base_id", "result_id": "x.result_id", "year": "x.year",
                    "reason": "x.year || '年度绩效考核等次为“整改”。'",
                    "deadline": "make_date(x.year + 2, 3, 31)", "opened_at": "make_date(x.year + 1, 4, 1)",
                    "created_at": "make_date(x.year + 1, 4, 1)",
                    "state": f"CASE WHEN {open_} THEN 'open' ELSE t.state END",
                    "report": f"CASE WHEN {open_} THEN '' ELSE t.report END",
                    "reported_by_id": f"CASE WHEN {open_} THEN NULL ELSE COALESCE(x.lead_user, t.reported_by_id) END",
                    "reported_at": f"CASE WHEN {open_} THEN NULL ELSE make_date(x.year + 1, 9, 1) END",
                    **{c: f"CASE WHEN {open_} THEN {empty} ELSE t.{c} END" for c, empty in (
                        ("recheck_opinion", "''"), ("rechecked_at", "NULL"), ("rechecked_by_id", "NULL"))},
                }, {"y0": self.y0})
        if rev:
            made["revocations"] = self.copy(
                "evaluations_revocation",
                f"SELECT {rev} AS tpl, g.base_id FROM bench_grade g JOIN pilotbase_base b ON b.id = g.base_id "
                f"WHERE b.state = 'revoked' AND g.year = {self.y0}", {
                    "base_id": "x.base_id", "first_year": str(self.y0 - 1), "second_year": str(self.y0)})
            recovery = self.one("SELECT min(id) FROM subsidies_recovery WHERE revocation_id IS NOT NULL")
            repayment = self.one("SELECT min(id) FROM subsidies_ledgerentry WHERE kind = 'repayment'")
            if recovery:
                ids = self.copy("subsidies_recovery",
                                f"SELECT {recovery} AS tpl, v.id AS revocation_id, v.base_id FROM evaluations_revocation v "
                                "WHERE v.base_id = ANY(%(b)s)", {"revocation_id": "x.revocation_id",
                                                                 "base_id": "x.base_id"},
                                {"b": self.base_ids}, returning=True)
                if repayment:
                    self.copy("subsidies_ledgerentry",
                              f"SELECT {repayment} AS tpl, r.id, r.base_id FROM subsidies_recovery r WHERE r.id = ANY(%(r)s)",
                              {"base_id": "x.base_id", "source_id": "x.id",
                               "idempotency_key": "'recovery-' || x.id || '-repayment-bench'"}, {"r": ids})
        return ", ".join(f"{n} {name}" for name, n in made.items())

    # ---- 奖补 -----------------------------------------------------------------------------------------------
    def rewards(self) -> str:
        """A reward year per evaluation year (the template's for the last, the older ones disbursed), a line per base
        from its grade (优秀 and 良好 rewarded), the GRANT and DISBURSEMENT rows in the ledger."""
        ry = self.one("SELECT id FROM subsidies_rewardyear WHERE evaluation_year = %s", [self.y0])
        if ry is None:
            return "no reward year"
        shift = "(5 - g) * interval '1 year'"
        self.clone("subsidies_rewardyear", ry, 4, {
            "evaluation_year": f"{self.y0} - 5 + g", "year": f"{self.y0} - 4 + g", "state": "'disbursed'",
            "reference_date": f"(t.reference_date - {shift})::date",
            "round_id": f"(SELECT id FROM evaluations_evaluationround WHERE year = {self.y0} - 5 + g)",
            "document_no": f"replace(t.document_no, '{self.y0 + 1}', ({self.y0} - 4 + g)::text)",
            "disbursement_no": f"'桂财教〔' || ({self.y0} - 4 + g) || '〕27号'",
            "disbursed_on": f"(t.approved_at - {shift} + interval '20 days')::date",
            **{c: f"t.{c} - {shift}" for c in ("proposed_at", "approved_at", "created_at")}})
        self.clone_children("subsidies_rewardtier", "reward_year_id", ry,
                            "SELECT id FROM subsidies_rewardyear WHERE evaluation_year < %s", [self.y0])
        line = dict(self.rows("SELECT grade, min(id) FROM subsidies_rewardline WHERE reward_year_id = %s "
                              "AND state = 'open' AND adjust_reason = '' GROUP BY grade", [ry]))
        pass_tpl = line.get("pass") or next(iter(line.values()))
        case = "CASE " + " ".join(f"WHEN g.grade = '{grade}' THEN {line.get(grade, pass_tpl)}"
                                  for grade in ("excellent", "good", "pass", "fail")) + f" ELSE {pass_tpl} END"
        old = f"x.year < {self.y0}"
        n = self.copy("subsidies_rewardline",
                      f"SELECT {case} AS tpl, y.id AS reward_year_id, y.approved_at, y.disbursement_no, g.* "
                      "FROM bench_grade g JOIN subsidies_rewardyear y ON y.evaluation_year = g.year", {
                          "reward_year_id": "x.reward_year_id", "base_id": "x.base_id", "grade": "x.grade",
                          "reasons": "CASE WHEN x.grade = 'rectify' THEN '考核等次为整改，低于本年度运行奖补的最低等次良好。' "
                                     "ELSE t.reasons END",
                          "state": f"CASE WHEN {old} AND t.eligible THEN 'disbursed' ELSE t.state END",
                          "disbursed_on": f"CASE WHEN {old} AND t.eligible THEN (x.approved_at + interval '20 days')::date "
                                          "ELSE t.disbursed_on END",
                          "document_no": f"CASE WHEN {old} AND t.eligible THEN x.disbursement_no ELSE t.document_no END",
                          "disbursed_by_id": f"CASE WHEN {old} AND t.eligible THEN "
                                             "(SELECT created_by_id FROM subsidies_rewardyear WHERE id = x.reward_year_id) "
                                             "ELSE t.disbursed_by_id END"})
        self.sql("UPDATE subsidies_rewardyear y SET budget = GREATEST(y.budget, s.total) FROM (SELECT reward_year_id, "
                 "sum(amount) AS total FROM subsidies_rewardline GROUP BY 1) s WHERE s.reward_year_id = y.id")
        grant = self.one("SELECT min(id) FROM subsidies_ledgerentry WHERE support = 'operating' AND kind = 'grant'")
        paid = self.one("SELECT min(id) FROM subsidies_ledgerentry WHERE support = 'operating' AND kind = 'disbursement'")
        rows = 0
        for tpl, kind, where in ((grant, "grant", "l.eligible AND l.amount > 0"),
                                 (paid, "disbursement", "l.state = 'disbursed'")):
            if tpl:
                rows += self.copy(
                    "subsidies_ledgerentry",
                    f"SELECT {tpl} AS tpl, l.id, l.base_id, l.amount, l.disbursed_on, y.year, y.evaluation_year, "
                    "y.approved_at, y.document_no, y.disbursement_no FROM subsidies_rewardline l "
                    f"JOIN subsidies_rewardyear y ON y.id = l.reward_year_id WHERE {where} AND l.base_id = ANY(%(b)s)", {
                        "base_id": "x.base_id", "year": "x.year", "amount": "x.amount", "source_id": "x.id",
                        "occurred_on": "x.disbursed_on" if kind == "disbursement" else "(x.approved_at + interval '1 day')::date",
                        "document_no": "x.disbursement_no" if kind == "disbursement" else "x.document_no",
                        "reason": "x.evaluation_year || '年度运行奖补" + ("拨付'" if kind == "disbursement" else "'"),
                        "idempotency_key": f"'reward-line-' || x.id || '-{kind}'",
                        "created_at": "x.approved_at"}, {"b": self.base_ids})
        return f"{n} reward lines, {rows} ledger rows"

    def construction(self) -> str:
        """A construction grant for one bench base in ten, a copy of one of the template's (completed, overdue, in
        its window) with its check, spending and ledger rows."""
        grants = self.ids("SELECT id FROM subsidies_constructiongrant ORDER BY id")
        if not grants:
            return "no grant"
        pick = "(%(g)s::int[])[1 + b %% cardinality(%(g)s::int[])]"
        source = f"SELECT {pick} AS tpl, b AS base_id FROM unnest(%(b)s::int[]) b WHERE b %% 10 = 0"
        params = {"g": grants, "b": self.base_ids}
        n = self.copy("subsidies_constructiongrant", source, {"base_id": "x.base_id"}, params)
        self.copy("subsidies_constructioncheck",
                  "SELECT (SELECT min(id) FROM subsidies_constructioncheck) AS tpl, b AS base_id "
                  "FROM unnest(%(b)s::int[]) b WHERE b %% 10 = 0", {"base_id": "x.base_id"}, params)
        new = ("SELECT n.id, n.base_id, t.id AS tpl_grant FROM subsidies_constructiongrant n "
               "JOIN subsidies_constructiongrant t ON t.id = (%(g)s::int[])[1 + n.base_id %% cardinality(%(g)s::int[])] "
               "WHERE n.base_id = ANY(%(b)s)")
        self.sql("INSERT INTO subsidies_spendingitem ({cols}) SELECT {sel} FROM ({new}) n "
                 "JOIN subsidies_spendingitem t ON t.grant_id = n.tpl_grant".format(
                     new=new, cols=", ".join(f'"{c}"' for c in self.columns("subsidies_spendingitem")),
                     sel=", ".join("n.id" if c == "grant_id" else "COALESCE((SELECT min(u.id) FROM pilotbase_user u "
                                   "JOIN pilotbase_base b ON b.lead_unit_id = u.organization_id WHERE b.id = n.base_id), "
                                   f't."{c}")' if c == "reported_by_id" else f't."{c}"'
                                   for c in self.columns("subsidies_spendingitem"))), params)
        ct = self.one("SELECT source_type_id FROM subsidies_ledgerentry WHERE support = 'construction' LIMIT 1")
        rows = self.sql("INSERT INTO subsidies_ledgerentry ({cols}) SELECT {sel} FROM ({new}) n "
                        "JOIN subsidies_ledgerentry t ON t.source_id = n.tpl_grant AND t.source_type_id = {ct}".format(
                            new=new, ct=int(ct), cols=", ".join(f'"{c}"' for c in self.columns("subsidies_ledgerentry")),
                            sel=", ".join({"base_id": "n.base_id", "source_id": "n.id",
                                           "idempotency_key": "'construction-grant-' || n.id || '-' || t.kind"}.get(
                                c, f't."{c}"') for c in self.columns("subsidies_ledgerentry"))), params)
        return f"{n} construction grants, {rows} ledger rows"

    # ---- 开放共享 -------------------------------------------------------------------------------------------
    def sharing(self) -> str:
        """Two catalogue entries a base (the template base's), and service requests from the demo requester to the
        bases, each a copy of a template request in its state, spread over two years."""
        first = self.one("SELECT min(base_id) FROM sharing_serviceoffering")
        if first is None:
            return "no catalogue"
        offerings = self.clone_children("sharing_serviceoffering", "base_id", first,
                                        "SELECT unnest(%s::int[]) AS id", [self.base_ids])
        tpls = self.ids("SELECT id FROM sharing_servicerequest ORDER BY id")
        if not tpls:
            return f"{offerings} offerings"
        # closed requests spread over two years; open ones (an answer, a quote or a confirmation awaited) within the
        # last days, as a live portal has them: one backdated by years would have lapsed long ago, and the sweep
        # would expire a thousand quotes at once, a backlog no day of a running portal has
        from sharing.models.requests import OPEN_REQUEST_STATES

        open_states = ", ".join(f"'{s}'" for s in OPEN_REQUEST_STATES)
        back = f"(CASE WHEN t.state IN ({open_states}) THEN g %% 3 ELSE g %% 700 END) * interval '1 day'"
        n = self.copy("sharing_servicerequest",
                      "SELECT (%(t)s::int[])[1 + g %% cardinality(%(t)s::int[])] AS tpl, g, "
                      "(%(b)s::int[])[1 + g %% cardinality(%(b)s::int[])] AS base_id FROM generate_series(1, %(n)s) g", {
                          "base_id": "x.base_id", "number": "'FWB' || lpad(x.g::text, 8, '0')",
                          "offering_id": "(SELECT min(o.id) FROM sharing_serviceoffering o WHERE o.base_id = x.base_id)",
                          "voucher_number": "CASE WHEN t.uses_voucher THEN 'GXKJQ-B-' || x.g ELSE '' END",
                          **{c: f"t.{c} - {back.replace('g %%', 'x.g %%')}"
                             for c in ("submitted_at", "quoted_at", "accepted_at", "started_at", "delivered_at",
                                       "closed_at")},
                          **{c: f"(t.{c} - {back.replace('g %%', 'x.g %%')})::date"
                             for c in ("reply_due", "quote_valid_until", "confirm_due", "wanted_by")}},
                      {"t": tpls, "b": self.base_ids, "n": self.n(6_000)})
        return f"{offerings} offerings, {n} service requests"
