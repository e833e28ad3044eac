import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.demo import tiny_pdf
from tests import factories as f


def pdf_upload(name: str = "report.pdf", text: str = "feasibility") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


def attach_all(application, actor):
    for req in application.required_attachments():
        services.attachment_add(application=application, requirement=req, uploaded_file=pdf_upload(f"{req.code}.pdf"),
                                actor=actor)


@pytest.fixture
def call(db):
    return f.CallFactory()


@pytest.fixture
def draft(call, applicant):
    """A complete draft of the applicant persona, attachments included: ready to submit."""
    app = f.ApplicationFactory(call=call, applicant=applicant.organization)
    attach_all(app, applicant)
    return app


@pytest.fixture
def submitted(draft, applicant):
    return services.application_submit(application=draft, actor=applicant)
