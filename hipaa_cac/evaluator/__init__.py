"""Evaluate controls against evidence: rules run once, each control decided from them."""

from hipaa_cac.evaluator.evaluate import Evaluation, evaluate, work_units
from hipaa_cac.evaluator.result import ControlResult, EvidenceUse, Finding, RuleUse, Status

__all__ = [
    "ControlResult",
    "Evaluation",
    "EvidenceUse",
    "Finding",
    "RuleUse",
    "Status",
    "evaluate",
    "work_units",
]
