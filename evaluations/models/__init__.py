"""绩效考核 models. Built so far: the evaluation history and prior support of bases certified before the
portal, and the import that recorded them (see docs/architecture.md, "Bases certified before the portal")."""

from .history import EvaluationResult, Grade, PriorSupport, ResultSource
from .imports import BaseImport

__all__ = ["BaseImport", "EvaluationResult", "Grade", "PriorSupport", "ResultSource"]
