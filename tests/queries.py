"""Query-count checks of list pages: a page takes as many queries with four rows as with one.

`count_page` warms the page up once (per-process caches such as content types fill on the first request), then
counts the queries of a second request; `assert_constant` adds rows through `add(k)` and checks that the page
shows them (`marker` occurs once per row) and that the count stayed the same."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_page(client, url: str) -> tuple[int, str]:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response.content.decode()


def assert_constant(client, url: str, add, marker: str) -> None:
    """add(k) creates k more rows; `marker` occurs once per row in the page."""
    add(1)
    one, html_one = count_page(client, url)
    add(3)
    four, html_four = count_page(client, url)
    assert html_four.count(marker) == html_one.count(marker) + 3, "the page must show the new rows"
    assert four == one, f"{url}: {one} queries with 1 row, {four} with 4"


def index_plan(call) -> str:
    """PostgreSQL's EXPLAIN of the one query `call` runs, with sequential and bitmap scans priced out (a test's
    tables are tiny, so the planner would scan them whole whatever the indexes)."""
    with CaptureQueriesContext(connection) as ctx:
        call()
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")
