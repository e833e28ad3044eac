import pytest

from applications import services
from applications.selectors import snapshot_changes
from applications.snapshots import snapshot_build

pytestmark = pytest.mark.django_db


def test_snapshot_diff_lists_changed_fields_and_rows(draft, applicant):
    old = snapshot_build(draft)
    services.application_update_section(application=draft, section="capability", actor=applicant,
                                        data={"site_area": 4500})
    draft.team.first().delete()
    new = snapshot_build(draft)
    changes = snapshot_changes(old, new)
    assert [(s["label"], [f["label"] for f in s["fields"]], [t["label"] for t in s["tables"]]) for s in changes] == [
        ("能力条件", ["中试场地面积（平方米）"], []), ("人才队伍", [], ["团队成员"])]
    assert [(f["old"], f["new"]) for f in changes[0]["fields"]] == [("3,000.00", "4,500.00")]
    assert [r["status"] for r in changes[1]["tables"][0]["rows"]] == ["removed"]


def test_snapshot_diff_same_data_is_empty(draft):
    data = snapshot_build(draft)
    assert snapshot_changes(data, data) == []
