"""Fixture with planted findings: a Flask-style patient API that logs PHI.

Comments marked PLANTED name what must be reported; every other logging call
must not be. Never imported or run: tests read it as text.
"""

import logging

from flask import Flask, jsonify, request

from .store import load

app = Flask(__name__)
logger = logging.getLogger(__name__)


@app.post("/patients")
def create_patient():
    app.logger.debug("create patient: %s", request.get_json())  # PLANTED request_body
    data = request.json
    logger.info("created patient %s", data["patient_id"])  # safe: internal id
    return jsonify({"ok": True}), 201


@app.get("/patients/<int:patient_id>")
def show_patient(patient_id):
    patient = load(patient_id)
    logger.info(f"loaded {patient.first_name} {patient.last_name}")  # PLANTED name
    logger.info("patient %s loaded in %d ms", patient.id, 12)  # safe
    logger.info("lookup by dob %s", patient.dob)  # PLANTED date_of_birth
    print(vars(patient))  # PLANTED patient_record
    logger.debug("has ssn: %s", patient.ssn is not None)  # safe: a boolean
    logger.info("logger %s in %s", logger.name, __name__)  # safe
    return jsonify({"id": patient.id})


@app.post("/patients/search")
def search():
    logger.warning(
        "search by %s",
        request.form.get("last_name"),  # PLANTED name
    )
    return jsonify([])
