from .assessment import (
    SITE_VISIT_ITEMS,
    Assessment,
    AssessmentState,
    AssignmentState,
    Commission,
    CommissionState,
    ExpertAssignment,
    IndicatorScore,
    PanelDraw,
    SiteVisit,
    SiteVisitFile,
    SiteVisitState,
    scoring_open,
)
from .certification import (
    NoticeEntry,
    NoticeEntryState,
    NoticeKind,
    NoticeState,
    Objection,
    ObjectionState,
    PublicNotice,
)
from .recommendation import (
    BatchState,
    FormalCheck,
    FormalCheckState,
    Recommendation,
    RecommendationBatch,
    RecommendationState,
)

__all__ = [
    "SITE_VISIT_ITEMS", "Assessment", "AssessmentState", "AssignmentState", "BatchState", "Commission", "CommissionState",
    "ExpertAssignment", "FormalCheck", "FormalCheckState", "IndicatorScore", "NoticeEntry", "NoticeEntryState", "NoticeKind",
    "NoticeState", "Objection", "ObjectionState", "PanelDraw", "PublicNotice", "Recommendation",
    "RecommendationBatch", "RecommendationState", "SiteVisit", "SiteVisitFile", "SiteVisitState",
    "scoring_open",
]
