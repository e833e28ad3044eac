"""The draw never seats experts of the commissioned agency. Left for H3 (issue 7 item 7), who moves the draw's
tests to tests/pilotbase/test_panels.py; the other audit fixes of the assessment pages are in test_views.py and
test_services.py."""

from reviews.models import PanelDraw
from reviews.services import assessment as svc
from tests import factories as f


# ---- item 9: the commissioned agency's own staff are excluded -------------------------------------
def test_draw_excludes_experts_of_the_commissioned_agency(assessment, agency_user, pool):
    insider = f.ExpertProfileFactory(kind="financial", user__organization=agency_user.organization)
    for _ in range(3):
        draw = svc.panel_draw(assessment=assessment, actor=agency_user)
        assert insider.pk not in draw.drawn
        assert {"expert": insider.pk, "reason": "受托评估机构人员，须回避"} in draw.exclusions
        assessment.assignments.all().delete()
        PanelDraw.objects.filter(pk=draw.pk).delete()
