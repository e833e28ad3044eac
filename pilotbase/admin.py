from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from .models import (
    Base,
    CalendarDay,
    Certificate,
    City,
    Delivery,
    ExpertProfile,
    Industry,
    Notification,
    Organization,
    PlatformType,
    Reminder,
    TransitionLog,
    User,
)


class ReadOnlyFSMMixin:
    """The admin never sets a state directly: states change only through services."""

    def get_readonly_fields(self, request, obj=None):
        fsm = [f.name for f in self.model._meta.fields if isinstance(f, FSMField)]
        return [*super().get_readonly_fields(request, obj), *fsm]


class ViewOnlyAdmin(admin.ModelAdmin):
    """Records of a decision (opinions, scores, draws, objections) are evidence: the admin shows them, whole and
    searchable, but nobody adds, edits or deletes one there; they change only through the services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(City, Industry, PlatformType)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "code"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["name"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit_type", "city", "authority", "credit_code"]
    list_filter = ["kind", "unit_type", "authority_kind", "city"]
    search_fields = ["name", "short_name", "credit_code"]
    list_select_related = ["city", "authority"]
    autocomplete_fields = ["authority"]
    filter_horizontal = ["industries"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "email", "role", "organization", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["organization"]
    search_fields = ["username", "first_name", "last_name", "email", "organization__name"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("平台角色"), {"fields": ["role", "organization", "phone"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("平台角色"), {"fields": ["email", "role", "organization"]}),
    ]


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "title", "city", "available"]
    list_filter = ["kind", "available", "industries", "city"]
    search_fields = ["user__last_name", "user__first_name", "user__username"]
    filter_horizontal = ["industries", "conflicts"]
    list_select_related = ["user", "city"]


@admin.register(Base)
class BaseAdmin(ReadOnlyFSMMixin, admin.ModelAdmin):
    list_display = ["name", "batch", "city", "industry", "certified_on", "state"]
    list_filter = ["state", "batch", "city", "industry"]
    search_fields = ["name", "lead_unit__name"]
    list_select_related = ["city", "industry"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyFSMMixin, admin.ModelAdmin):
    list_display = ["number", "base", "issued_on", "state"]
    readonly_fields = ["number", "year", "sequence", "token"]
    search_fields = ["number", "base__name"]


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ["at", "label", "from_state", "to_state", "actor_name", "actor_org"]
    list_filter = ["record_type", "transition"]
    search_fields = ["actor_name", "comment"]

    # Append-only for everyone, superusers included: rows are written by pilotbase.workflow, never here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The mail outbox as staff see it: what failed, how often it was tried and the transport's last answer."""

    list_display = ["created_at", "to_address", "subject", "status", "attempts", "last_error_short", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to_address", "subject", "last_error"]
    actions = ["resend"]

    @admin.display(description=_("最近错误"))
    def last_error_short(self, obj):
        return obj.last_error[:120]

    @admin.action(description=_("重新发送所选的发送失败邮件"))
    def resend(self, request, queryset):
        from .queue import deliveries_resend

        count = deliveries_resend(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("已重新排队 %(count)d 封邮件。") % {"count": count})


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "key", "recipient", "kind", "due_on"]
    search_fields = ["key"]
