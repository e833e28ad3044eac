"""The record of a file a user uploaded to a stage (an annual report's attachment, a rectification report's, a
spending voucher): what `pilotbase.uploads.upload_store` fills in after checking the content. Each stage's model
adds its `file` (with its own folder) and the record it belongs to."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    name = models.CharField(_("文件名"), max_length=200)
    extension = models.CharField(max_length=8)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
