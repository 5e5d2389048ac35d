"""The child registry's models, one module per topic:

- `reference`: child categories, benefits, contacts on the ground (reference data)
- `policy`: risk levels and the risk and visit policy the project lead edits
- `child`: the child record, its scoping rule and the helpers behind its search columns
- `family`: parents, household members, and households grouping siblings
- `benefits`: category tags, benefit enrolments and the 应享未享 rule
- `assessments`: risk assessments and the events that call for one
- `imports`: a ledger upload and its checked plan between preview and confirm
- `requests`: a guardian's or the child's request to see, copy, correct or delete the information (R8)

Import from `children.models`; the migrations name `photo_upload_to` and `evidence_upload_to` here.
"""

from .assessments import SCORE_FIELDS, RiskAssessment, RiskEvent
from .benefits import BenefitEnrolment, ChildCategory, benefit_gap_q, evidence_upload_to
from .child import (
    SURNAME_PINYIN,
    Child,
    ChildQuerySet,
    ChildRelatedQuerySet,
    age_on,
    birthday_years_ago,
    name_pinyin,
    phone_index,
    photo_upload_to,
)
from .family import Household, HouseholdMember, Parent
from .imports import LedgerImport
from .policy import RiskLevel, RiskPolicy
from .reference import Benefit, Category, Contact
from .requests import RETENTION_ANSWER, DataRequest, working_days_after
from .tally import RegistryTally

__all__ = [
    "LedgerImport",
    "RETENTION_ANSWER", "SCORE_FIELDS", "SURNAME_PINYIN", "Benefit", "BenefitEnrolment", "Category", "Child",
    "ChildCategory", "ChildQuerySet", "ChildRelatedQuerySet", "Contact", "DataRequest", "Household", "HouseholdMember",
    "Parent", "RegistryTally", "RiskAssessment", "RiskEvent",
    "RiskLevel", "RiskPolicy", "age_on", "benefit_gap_q", "birthday_years_ago", "evidence_upload_to", "name_pinyin",
    "phone_index", "photo_upload_to", "working_days_after",
]
