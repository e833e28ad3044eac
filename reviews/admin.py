"""The review records in the admin, to read: a system administrator answering a question ("who recommended this,
when, with which opinion?", "which experts were excluded from this draw and why?") finds it here. Nothing is
edited here: every state and every recorded decision changes only through the services."""

from django.contrib import admin

from pilotbase.admin import ViewOnlyAdmin, ViewOnlyInline

from .models import (
    Assessment,
    Commission,
    ExpertAssignment,
    FormalCheck,
    IndicatorScore,
    NoticeEntry,
    Objection,
    PanelDraw,
    PublicNotice,
    Recommendation,
    RecommendationBatch,
    SiteVisit,
    SiteVisitFile,
)


@admin.register(RecommendationBatch)
class RecommendationBatchAdmin(ViewOnlyAdmin):
    list_display = ["call", "authority", "state", "submitted_at", "submitted_by"]
    list_filter = ["state", "call"]
    search_fields = ["authority__name", "call__title"]
    list_select_related = ["call", "authority", "submitted_by"]


@admin.register(Recommendation)
class RecommendationAdmin(ViewOnlyAdmin):
    list_display = ["application", "authority", "state", "priority", "batch", "reviewed_by", "reviewed_at"]
    list_filter = ["state", "application__call"]
    search_fields = ["application__name", "application__acceptance_no", "authority__name", "opinion"]
    list_select_related = ["application", "authority", "batch__call", "batch__authority", "reviewed_by"]


@admin.register(FormalCheck)
class FormalCheckAdmin(ViewOnlyAdmin):
    list_display = ["application", "state", "checked_by", "checked_at"]
    list_filter = ["state", "application__call"]
    search_fields = ["application__name", "application__acceptance_no", "opinion"]
    list_select_related = ["application", "checked_by"]


@admin.register(Commission)
class CommissionAdmin(ViewOnlyAdmin):
    list_display = ["title", "call", "agency", "due_on", "state", "created_by", "created_at"]
    list_filter = ["state", "call"]
    search_fields = ["title", "agency__name"]
    list_select_related = ["call", "agency", "created_by"]


class PanelDrawInline(ViewOnlyInline):
    model = PanelDraw
    fields = ["drawn_at", "drawn_by", "seed", "criteria", "drawn", "exclusions", "replaces"]
    readonly_fields = fields


class AssignmentInline(ViewOnlyInline):
    model = ExpertAssignment
    fields = ["expert", "state", "due_on", "total", "vetoed", "submitted_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Assessment)
class AssessmentAdmin(ViewOnlyAdmin):
    list_display = ["application", "commission", "state", "total_score", "vetoed", "concluded_at"]
    list_filter = ["state", "vetoed", "commission__call"]
    search_fields = ["application__name", "application__acceptance_no", "consensus_opinion"]
    list_select_related = ["application", "commission"]
    inlines = [AssignmentInline, PanelDrawInline]


class IndicatorScoreInline(ViewOnlyInline):
    model = IndicatorScore
    fields = ["indicator", "score", "vetoed"]
    readonly_fields = fields


@admin.register(ExpertAssignment)
class ExpertAssignmentAdmin(ViewOnlyAdmin):
    list_display = ["assessment", "expert", "state", "due_on", "total", "vetoed", "submitted_at"]
    list_filter = ["state", "vetoed"]
    search_fields = ["assessment__application__name", "expert__user__username", "expert__user__last_name"]
    list_select_related = ["assessment__application", "expert__user"]
    inlines = [IndicatorScoreInline]


class SiteVisitFileInline(ViewOnlyInline):
    model = SiteVisitFile
    fields = ["original_name", "caption", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(SiteVisit)
class SiteVisitAdmin(ViewOnlyAdmin):
    list_display = ["assessment", "state", "visit_date", "conclusion", "recorded_by"]
    list_filter = ["state", "conclusion"]
    search_fields = ["assessment__application__name", "team", "findings"]
    list_select_related = ["assessment__application", "recorded_by"]
    inlines = [SiteVisitFileInline]


class NoticeEntryInline(ViewOnlyInline):
    model = NoticeEntry
    fields = ["order", "application", "state", "removal_reason"]
    readonly_fields = fields


@admin.register(PublicNotice)
class PublicNoticeAdmin(ViewOnlyAdmin):
    list_display = ["title", "call", "state", "starts_on", "ends_on", "created_by"]
    list_filter = ["state", "call"]
    search_fields = ["title", "body"]
    list_select_related = ["call", "created_by"]
    inlines = [NoticeEntryInline]


@admin.register(Objection)
class ObjectionAdmin(ViewOnlyAdmin):
    list_display = ["entry", "objector_name", "objector_org", "state", "created_at", "handled_by", "handled_at"]
    list_filter = ["state"]
    search_fields = ["objector_name", "objector_org", "content", "entry__application__name"]
    list_select_related = ["entry__application", "entry__notice", "handled_by"]
