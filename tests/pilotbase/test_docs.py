from io import StringIO
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def test_workflow_diagrams_in_docs_match_the_code():
    out = StringIO()
    call_command("fsm_diagrams", stdout=out)
    assert (ROOT / "docs" / "workflows.md").read_text() == out.getvalue(), "run `make diagrams` and commit"


def test_workflow_diagrams_cover_every_stage():
    out = StringIO()
    call_command("fsm_diagrams", stdout=out)
    text = out.getvalue()
    for model in ["Application.state", "Recommendation.state", "FormalCheck.state", "Assessment.state",
                  "ExpertAssignment.state", "PublicNotice.state", "Base.state", "Certificate.state"]:
        assert f"{model}`" in text
