"""record_refresh reloads a record with protected FSM fields without touching the field's class-wide `protected`
flag (django-fsm-2's refresh_from_db switches it off and on, which races between threads)."""

import pytest

from applications.models import Application
from pilotbase.workflow import record_refresh
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_reloads_the_state_and_keeps_it_protected():
    app = f.ApplicationFactory()
    Application.objects.filter(pk=app.pk).update(state="submitted", name="改名后的中试研究基地")
    field = Application._meta.get_field("state")
    record_refresh(app)
    assert (app.state, app.name, field.protected) == ("submitted", "改名后的中试研究基地", True)
    with pytest.raises(AttributeError):
        app.state = "draft"  # still protected on the instance


def test_only_the_named_fields_and_the_cached_relation_is_dropped():
    app = f.ApplicationFactory()
    call = app.call  # cached
    other = f.CallFactory()
    Application.objects.filter(pk=app.pk).update(call=other, name="只刷新批次")
    record_refresh(app, fields=["call"])
    assert app.call == other and app.call is not call and app.name != "只刷新批次"

