from django.contrib import admin

from .models import BaseImport, EvaluationResult, PriorSupport


@admin.register(BaseImport)
class BaseImportAdmin(admin.ModelAdmin):
    list_display = ("filename", "row_count", "imported_by", "imported_at")
    readonly_fields = ("imported_by", "imported_at", "filename", "sha256", "file", "bases", "row_count")

    def has_add_permission(self, request) -> bool:
        return False  # imports go through the import page (dry run, then one transaction)


@admin.register(EvaluationResult)
class EvaluationResultAdmin(admin.ModelAdmin):
    list_display = ("base", "year", "grade", "source")
    list_filter = ("year", "grade", "source")
    search_fields = ("base__name",)
    raw_id_fields = ("base", "base_import")


@admin.register(PriorSupport)
class PriorSupportAdmin(admin.ModelAdmin):
    list_display = ("base", "year", "amount")
    search_fields = ("base__name",)
    raw_id_fields = ("base", "base_import")
