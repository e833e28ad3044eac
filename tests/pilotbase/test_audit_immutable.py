"""The audit log (TransitionLog) is append-only: the model, its queryset and the admin refuse to change or
delete a row, for a superuser too; on PostgreSQL a trigger refuses raw SQL UPDATE and DELETE."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from pilotbase.models import TransitionLog
from pilotbase.models.audit import AuditLogImmutable
from pilotbase.workflow import transition_log
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def row():
    application = f.ApplicationFactory()
    return transition_log(record=application, subject=None, transition="submit", label="提交", from_state="draft",
                          to_state="submitted", actor=None, comment="原始意见")


def _unchanged(row) -> None:
    assert TransitionLog.objects.filter(pk=row.pk, comment="原始意见", to_state="submitted").count() == 1


def test_a_new_row_is_written(row):
    assert TransitionLog.objects.filter(pk=row.pk).count() == 1


def test_saving_an_existing_row_is_refused(row):
    row.comment = "改过的意见"
    with pytest.raises(AuditLogImmutable):
        row.save()
    with pytest.raises(AuditLogImmutable):
        row.save(update_fields=["comment"])
    _unchanged(row)


def test_deleting_a_row_is_refused(row):
    with pytest.raises(AuditLogImmutable):
        row.delete()
    _unchanged(row)


def test_queryset_update_and_delete_are_refused(row):
    with pytest.raises(AuditLogImmutable):
        TransitionLog.objects.filter(pk=row.pk).update(comment="改过的意见")
    with pytest.raises(AuditLogImmutable):
        TransitionLog.objects.all().delete()
    with pytest.raises(AuditLogImmutable):
        TransitionLog.objects.filter(pk=row.pk)._raw_delete(using="default")
    row.comment = "改过的意见"
    with pytest.raises(AuditLogImmutable):
        TransitionLog.objects.bulk_update([row], ["comment"])
    _unchanged(row)


def test_the_manager_has_no_delete_shortcut():
    assert not hasattr(TransitionLog.objects, "delete")


def test_admin_refuses_add_change_and_delete_to_a_superuser(client, row):
    superuser = f.AdminUserFactory(username="root")
    client.force_login(superuser)
    add = reverse("admin:pilotbase_transitionlog_add")
    change = reverse("admin:pilotbase_transitionlog_change", args=[row.pk])
    delete = reverse("admin:pilotbase_transitionlog_delete", args=[row.pk])
    changelist = reverse("admin:pilotbase_transitionlog_changelist")

    assert client.get(changelist).status_code == 200  # it can still be read
    assert client.get(add).status_code == 403
    assert client.post(add, {"transition": "x"}).status_code == 403
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="comment"' not in page.content.decode()  # read-only view, no input
    assert client.post(change, {"comment": "改过的意见"}).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert response.status_code in (200, 302)  # the action does not exist: nothing is deleted
    _unchanged(row)


def test_admin_permissions_are_false_for_a_superuser(rf, row):
    from django.contrib import admin

    request = rf.get("/")
    request.user = f.AdminUserFactory(username="root")
    model_admin = admin.site._registry[TransitionLog]
    assert (model_admin.has_add_permission(request), model_admin.has_change_permission(request, row),
            model_admin.has_delete_permission(request, row), model_admin.has_view_permission(request, row)) == (
        False, False, False, True)
    assert "delete_selected" not in model_admin.get_actions(request)


@pytest.mark.postgres
def test_postgres_trigger_refuses_raw_update_and_delete(row):
    table = TransitionLog._meta.db_table
    for sql in (f"UPDATE {table} SET comment = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    _unchanged(row)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_trigger_lets_inserts_through_and_truncate_still_flushes(row):
    """Row-level triggers do not fire on TRUNCATE: the flush between transactional tests keeps working."""
    before = TransitionLog.objects.count()  # the fixture's row, and the factory call's publication
    transition_log(record=row.record, subject=None, transition="withdraw", label="撤回", from_state="submitted",
                   to_state="draft", actor=None)
    assert TransitionLog.objects.count() == before + 1
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TransitionLog._meta.db_table}")
    assert TransitionLog.objects.count() == 0
