from .audit import TransitionLog
from .base import Base, BaseStatus, Certificate, CertificateState
from .files import StoredFile
from .notify import Delivery, DeliveryStatus, Notification, Reminder
from .org import (
    AuthorityKind,
    ExpertKind,
    ExpertProfile,
    Organization,
    OrgKind,
    Role,
    UnitType,
    User,
)
from .reference import CalendarDay, CalendarDayKind, City, Industry, PlatformType, Sequence
from .registration import (  # last: its transitions use pilotbase.rules
    Registration,
    RegistrationKind,
    RegistrationState,
)

__all__ = [
    "AuthorityKind", "Base", "BaseStatus", "CalendarDay", "CalendarDayKind", "Certificate", "CertificateState", "City",
    "Delivery",
    "DeliveryStatus", "ExpertKind", "ExpertProfile", "Industry", "Notification", "OrgKind",
    "Organization", "PlatformType", "Registration", "RegistrationKind", "RegistrationState", "Reminder", "Role",
    "Sequence",
    "StoredFile", "TransitionLog", "UnitType", "User",
]
