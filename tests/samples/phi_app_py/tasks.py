"""Fixture with planted findings: background jobs that print and format PHI.

Comments marked PLANTED name what must be reported. Never imported or run.
"""

import logging
import sys

LOGGER = logging.getLogger("jobs")


def remind(patients, sms):
    for pt in patients:
        LOGGER.info("reminding %s at %s" % (pt.full_name, pt.phone))  # noqa: UP031 PLANTED
        sms.send(pt.phone, "Your visit is tomorrow")  # safe: not a logging call
        LOGGER.info("reminded {}".format(pt.email))  # noqa: UP032 PLANTED email
    LOGGER.info("reminded %d patients", len(patients))  # safe
    LOGGER.info("ids: %s", [p.id for p in patients])  # safe


def export(rows):
    for row in rows:
        sys.stderr.write(f"exporting {row['mrn']}\n")  # PLANTED medical_record_number
        logging.warning("row %s", row["id"])  # safe


def webhook(event):
    logging.getLogger(__name__).error("bad event %s", event["body"])  # PLANTED request_body
    print("event", event["requestContext"]["requestId"])  # safe
