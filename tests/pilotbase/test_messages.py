"""Django's own form messages read as plain Chinese (locale/zh_Hans overrides Django's wording)."""

from django import forms


class _Form(forms.Form):
    name = forms.CharField(max_length=5)
    email = forms.EmailField()
    amount = forms.DecimalField(max_digits=6, decimal_places=2)
    day = forms.DateField()


def test_django_messages_in_plain_chinese():
    form = _Form({"name": "广西中试研究基地", "email": "not-mail", "amount": "1.234", "day": "2026-13-40"})
    assert not form.is_valid()
    assert form.errors["name"] == ["最多 5 个字（目前 8 个字），请删减。"]
    assert form.errors["email"] == ["请输入有效的电子邮箱地址，例如 name@example.cn。"]
    assert form.errors["amount"] == ["最多保留 2 位小数。"]
    assert form.errors["day"] == ["请输入有效的日期，例如 2026-11-29。"]
    assert _Form({}).errors["name"] == ["此项为必填项。"]
