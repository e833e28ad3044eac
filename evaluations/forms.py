from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pilotbase.uploads import upload_check

MAX_MB = 5


class BaseImportUploadForm(forms.Form):
    file = forms.FileField(label=_("填好的 Excel 文件"),
                           help_text=_("使用本页下载的模板（.xlsx，不超过 5 MB）。上传后先检查，不会直接导入。"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.checked = upload_check(uploaded_file=upload, allowed=["xlsx"], max_size_mb=MAX_MB)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        return upload


class BaseImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
