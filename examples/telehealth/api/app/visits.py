"""Visit scheduling for the Northwind telehealth API (demo code with planted findings)."""

import logging

from flask import Flask, jsonify, request

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.post("/visits")
def create_visit():
    payload = request.get_json()
    # Planted: the whole request body (name, DOB, reason for visit) goes to the logs.
    log.info("create visit request: %s", request.get_json())
    patient = payload["patient"]
    log.info("scheduling visit for %s born %s", patient["name"], patient["dob"])
    visit_id = schedule(patient["id"], payload["slot"])
    # Fine: an internal id says nothing about the person.
    log.info("visit %s scheduled for patient %s", visit_id, patient["id"])
    return jsonify({"id": visit_id}), 201


def schedule(patient_id: str, slot: str) -> str:
    return f"{patient_id}-{slot}"
