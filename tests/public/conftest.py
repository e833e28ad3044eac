import pytest

from applications.services import call_publish
from tests import factories as f


@pytest.fixture
def publish(department_user):
    """publish(**fields) → a call made as a draft and published through the service."""

    def _publish(**fields):
        return call_publish(call=f.CallFactory(published=False, **fields), actor=department_user)

    return _publish
