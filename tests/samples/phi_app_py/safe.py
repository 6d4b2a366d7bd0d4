"""Fixture: logging that must NOT be reported; no planted findings in this module."""

import logging

logger = logging.getLogger(__name__)


def handle(request, response, patient, user, filename, hostname):
    logger.info("request %s %s", request.method, request.path)
    logger.info("patient %s updated by %s", patient.id, user.username)
    logger.info("wrote %s on %s", filename, hostname)
    logger.info("status %s", response.status_code)
    logger.info("patient_id=%s", patient.patient_id)
    logger.info("ssn present: %s", bool(patient.ssn))
    logger.info("email verified: %s", patient.email_verified)
    logger.debug("field %s is required", "ssn")
    logger.info("conditions: %d", len(patient.conditions))
    logger.info("user %s, file %s", user.name, request.files["upload"].name)
    logger.info("settings: %s", request.app.config["EMAIL_HOST"])
    print("starting", __name__)
