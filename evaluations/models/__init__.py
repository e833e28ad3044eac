"""绩效考核 models: the evaluation history and prior support of bases certified before the portal and the import
that recorded them (docs/architecture.md, "Bases certified before the portal"); the yearly round with its
indicators, grade bands and bases; the bases' annual reports."""

from .consequences import (
    Rectification,
    RectificationFile,
    RectificationOrigin,
    RectificationState,
    Revocation,
    RevocationReason,
    RevocationState,
)
from .history import EvaluationResult, Grade, PriorSupport, ResultSource
from .imports import BaseImport
from .report import AnnualReport, ReportFile, ReportState, ReportVersion
from .round import EvaluationRound, GradeBand, RoundBase, RoundIndicator, RoundState, ScoringMode
from .scoring import Evaluation, EvaluationScore, EvaluationState
from .seats import EvaluationDraw, EvaluationSeat, SeatState

__all__ = [
    "AnnualReport",
    "BaseImport",
    "EvaluationResult",
    "Evaluation",
    "EvaluationDraw",
    "EvaluationRound",
    "EvaluationScore",
    "EvaluationSeat",
    "EvaluationState",
    "Grade",
    "GradeBand",
    "PriorSupport",
    "Rectification",
    "RectificationFile",
    "RectificationOrigin",
    "RectificationState",
    "ReportFile",
    "ReportState",
    "ReportVersion",
    "ResultSource",
    "Revocation",
    "RevocationReason",
    "RevocationState",
    "RoundBase",
    "RoundIndicator",
    "RoundState",
    "ScoringMode",
    "SeatState",
]
