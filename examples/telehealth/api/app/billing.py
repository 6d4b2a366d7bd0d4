"""Insurance eligibility checks (demo code with a planted finding)."""

import logging

logger = logging.getLogger("billing")


def check_eligibility(member):
    logger.debug("checking eligibility", extra={"member_id": member.insurance_id})
    eligible = member.plan_active
    logger.info("eligibility checked: %s", eligible)
    return eligible
