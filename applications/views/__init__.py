"""Thin views by resource: calls, applications (applicant pages), files, listing (department)."""
