from django.contrib import admin

from pilotbase.admin import ReadOnlyFSMMixin

from .models import (
    Application,
    Attachment,
    Call,
    CheckItem,
    Equipment,
    Partner,
    RequiredAttachment,
    ScoreIndicator,
    Snapshot,
    TeamMember,
)


class RequiredAttachmentInline(admin.TabularInline):
    model = RequiredAttachment
    extra = 0


class ScoreIndicatorInline(admin.TabularInline):
    model = ScoreIndicator
    extra = 0


class CheckItemInline(admin.TabularInline):
    model = CheckItem
    extra = 0


@admin.register(Call)
class CallAdmin(ReadOnlyFSMMixin, admin.ModelAdmin):
    list_display = ["title", "year", "opens_at", "closes_at", "state"]
    list_filter = ["state", "year"]
    search_fields = ["title", "document_no"]
    filter_horizontal = ["platform_types", "industries"]
    inlines = [RequiredAttachmentInline, ScoreIndicatorInline, CheckItemInline]


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    autocomplete_fields = ["organization"]


class EquipmentInline(admin.TabularInline):
    model = Equipment
    extra = 0


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["requirement", "original_name", "size", "content_type", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyFSMMixin, admin.ModelAdmin):
    list_display = ["acceptance_no", "name", "applicant", "authority", "call", "state", "version", "submitted_at"]
    list_filter = ["state", "call", "industry"]
    search_fields = ["name", "acceptance_no", "applicant__name"]
    list_select_related = ["applicant", "authority", "call"]
    readonly_fields = ["acceptance_no", "version", "submitted_at", "pdf", "pdf_version", "base"]
    autocomplete_fields = ["applicant", "authority"]
    inlines = [PartnerInline, EquipmentInline, TeamMemberInline, AttachmentInline]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["application", "version", "created_at", "created_by"]
    readonly_fields = ["application", "version", "data", "created_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False
