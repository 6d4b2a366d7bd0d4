"""Fixture: storage helpers; no planted findings in this module."""

import logging

log = logging.getLogger(__name__)


def load(patient_id):
    log.debug("loading patient %s", patient_id)
    return {"id": patient_id}
