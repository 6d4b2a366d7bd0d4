"""Fixture with planted findings: a patient service logging through structlog and extra=.

Comments marked PLANTED name what must be reported. Never imported or run.
"""

import hashlib
import logging

import structlog
from django.forms.models import model_to_dict

log = structlog.get_logger()
audit = logging.getLogger("audit")


def mask_ssn(value):
    return "***-**-" + value[-4:]


class PatientService:
    def __init__(self, repo):
        self.repo = repo
        self.logger = logging.getLogger(type(self).__name__)

    def update_address(self, patient, address):
        self.logger.info(
            "address change",
            extra={
                "patient_id": patient.id,
                "home_address": address,  # PLANTED address
            },
        )
        log.info("address_changed", zip_code=patient.zip_code, user=self.repo.user)  # PLANTED
        audit.info("address changed for patient %s", patient.id)  # safe

    def bill(self, patient, claim):
        log.info("claim", member_id=claim.member_id, amount=claim.amount)  # PLANTED
        log.info("claim diagnosis", icd10=claim.icd10)  # PLANTED diagnosis
        log.info("masked", ssn=mask_ssn(patient.ssn))  # safe: masked
        audit.info("hashed %s", hashlib.sha256(patient.email.encode()).hexdigest())  # safe
        audit.warning("patient record %s", patient.__dict__)  # PLANTED patient_record
        audit.error("payload %r", model_to_dict(patient))  # PLANTED patient_record
