from .application import (
    Application,
    ApplicationState,
    Attachment,
    BasisKind,
    BasisLevel,
    CultivationSupport,
    Equipment,
    Partner,
    Snapshot,
    TeamMember,
)
from .call import Call, CallState, CheckItem, RequiredAttachment, ScoreIndicator

__all__ = [
    "Application", "ApplicationState", "Attachment", "BasisKind", "BasisLevel", "Call", "CallState", "CheckItem", "CultivationSupport",
    "Equipment", "Partner", "RequiredAttachment", "ScoreIndicator", "Snapshot", "TeamMember",
]
