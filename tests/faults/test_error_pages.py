"""The 500 handler: a database that is down answers 503 with Retry-After and the portal's page; any other error
the portal's 500 page. Neither page queries anything (the database may be what failed): these tests have no
database access, so a query would fail them."""

from django.db import InterfaceError, OperationalError

from pilotbase.errors import server_error


def _answer(rf, exc):
    try:
        raise exc
    except Exception:
        return server_error(rf.get("/applications/1/submit/"))


def test_database_down_answers_503_with_retry_after(rf):
    for exc in (OperationalError("connection refused"), InterfaceError("connection already closed")):
        response = _answer(rf, exc)
        assert (response.status_code, response["Retry-After"]) == (503, "10")
        assert "系统暂时不可用，本次操作未完成" in response.content.decode()


def test_other_errors_answer_the_portal_500_page(rf):
    response = _answer(rf, ValueError("bug"))
    assert response.status_code == 500 and not response.has_header("Retry-After")
    assert "系统出错，本次操作未完成" in response.content.decode()
