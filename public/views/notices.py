"""Public pages (no login): notices, written objections, certificate verification (the bases: directory.py).

Nothing here shows an objector's identity, a score or an internal opinion.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from pilotbase.workflow import WorkflowError
from reviews.forms.certification import ObjectionForm
from reviews.models import NoticeState
from reviews.selectors import certification as sel
from reviews.services import certification as svc

from ..forms import CertificateCheckForm
from ..throttle import RateLimit

OBJECTIONS = RateLimit("objection", limit=5, window=3600)  # per address and hour: enough for anyone writing by hand
CERTIFICATE_CHECKS = RateLimit("certificate-check", limit=20, window=3600)  # uploaded PDFs per address and hour


def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(sel.notices_public(), 20).get_page(request.GET.get("page"))
    return render(request, "public/notice_list.html", {"page": page})


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = sel.notice_public_get(pk)
    return render(request, "public/notice_detail.html", {
        "notice": notice, "entries": list(sel.notice_entries_public(notice)),
        "accepting": notice.state == NoticeState.PUBLISHED,
    })


@never_cache
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    notice = sel.notice_public_get(pk)
    if notice.state != NoticeState.PUBLISHED:
        messages.info(request, _("该公示已结束，不再受理异议。"))
        return redirect("public:notice_detail", pk=pk)
    form = ObjectionForm(request.POST or None, request.FILES or None, notice=notice,
                         initial={"entry": request.GET.get("entry")})
    status = 200
    if request.method == "POST":
        if OBJECTIONS.exceeded(request):
            messages.error(request, _("提交过于频繁，请一小时后再试，或通过公示所列联系方式书面提出。"))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                svc.objection_file(entry=data["entry"], content=data["content"], objector_phone=data["objector_phone"],
                                   objector_name=data["objector_name"], objector_org=data["objector_org"],
                                   evidence=data["evidence"])
            except WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                OBJECTIONS.count(request)
                messages.success(request, _("您的异议已提交。我们将依规核查处理，并对异议人身份严格保密。"))
                return redirect("public:notice_detail", pk=pk)
        else:
            status = 400
    # the form is shown again: browsers never keep a chosen file, so say that it must be chosen again
    evidence_dropped = request.method == "POST" and bool(request.FILES.get("evidence"))
    return render(request, "public/objection_form.html",
                  {"notice": notice, "form": form, "evidence_dropped": evidence_dropped}, status=status)


def verify(request: HttpRequest, token) -> HttpResponse:
    """Unknown codes get the same page with a clear message, still answering 404. A visitor may upload a PDF
    to learn whether it is a file the portal issued, unaltered (see certificate_pdf_verdict)."""
    certificate = sel.certificate_by_token(token)
    if certificate is None:
        return render(request, "public/verify.html", {"certificate": None}, status=404)
    form, verdict, status = CertificateCheckForm(), None, 200
    if request.method == "POST":
        form = CertificateCheckForm(request.POST, request.FILES)
        if CERTIFICATE_CHECKS.exceeded(request):
            messages.error(request, _("核验过于频繁，请一小时后再试。"))
            status = 429
        else:
            CERTIFICATE_CHECKS.count(request)  # every upload costs a try: each one is read and parsed
            if form.is_valid():
                verdict = svc.certificate_pdf_verdict(content=b"".join(form.cleaned_data["pdf"].chunks()))
            else:
                status = 400
    return render(request, "public/verify.html", {"certificate": certificate, "base": certificate.base,
                                                  "form": form, "verdict": verdict}, status=status)


def verify_moved(request: HttpRequest, token) -> HttpResponse:
    """Certificates printed before the public app carry QR codes to /reviews/public/verify/<token>/: forever valid."""
    return redirect("public:verify", token=token, permanent=True)
