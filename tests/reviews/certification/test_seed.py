import pytest

from applications.models import Application
from pilotbase.demo import seed_core
from pilotbase.models import Base, Certificate, CertificateState
from reviews.demo import seed_certification as seed
from reviews.models import NoticeState, PublicNotice

# certificate PDFs render on commit, as in `seed_demo`; ~15–30 s each
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_seed_builds_certified_2025_bases_with_pdfs_and_is_idempotent():
    core = seed_core()
    seed(core)
    seed(core)
    assert list(Base.objects.order_by("id").values_list("name", flat=True)[:2]) == [
        "广西新能源商用车科技成果转化中试研究基地", "广西碳酸钙产业科技成果转化中试研究基地"]
    assert Base.objects.get(name="广西新能源商用车科技成果转化中试研究基地").partner_units.count() == 2
    certificates = Certificate.objects.filter(year=2025)
    assert [c.number for c in certificates] == [f"桂中试认〔2025〕第00{i}号" for i in (1, 2, 3)]
    assert {c.state for c in certificates} == {CertificateState.VALID}
    assert all(c.pdf for c in certificates)
    assert PublicNotice.objects.filter(state=NoticeState.CLOSED).count() == 1
    assert not Application.objects.filter(call__year=2025, state="certified", acceptance_no="").exists()


def test_seed_opens_a_running_notice_for_the_newest_call():
    """Without the assessment seeder's passed application, two are taken through every stage first."""
    from applications.demo import seed as seed_intake

    core = seed_core()
    seed_intake(core)  # the open 2026 call
    seed(core)
    running = PublicNotice.objects.get(state=NoticeState.PUBLISHED)
    assert list(running.entries.values_list("application__name", flat=True)) == [
        "广西铝基新材料科技成果转化中试研究基地", "广西海洋生物资源科技成果转化中试研究基地"]
    seed(core)
    assert PublicNotice.objects.filter(state=NoticeState.PUBLISHED).count() == 1
    for entry in running.entries.select_related("application__assessment", "application__formal_check"):
        assert entry.application.assessment.state == "passed"
        assert entry.application.formal_check.state == "passed"
