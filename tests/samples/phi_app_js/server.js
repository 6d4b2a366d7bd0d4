/**
 * Fixture with planted findings: an Express patient API that logs PHI.
 * Comments marked PLANTED name what must be reported. Never run.
 */
const express = require("express");
const morgan = require("morgan");
const logger = require("./lib/logger");
const { Patient } = require("./lib/models");

const app = express();
app.use(express.json());
app.use(morgan("combined"));

app.post("/patients", async (req, res) => {
  console.log("new patient", req.body); // PLANTED request_body
  const patient = await Patient.create(req.body);
  logger.info({ patientId: patient.id }, "patient created"); // safe
  logger.info({ patient }, "created"); // PLANTED patient_record
  res.status(201).json({ id: patient.id });
});

app.get("/patients/:id", async (req, res) => {
  const patient = await Patient.findById(req.params.id);
  req.log.info(`loaded ${patient.firstName} ${patient.lastName}`); // PLANTED name
  console.info("lookup took %d ms", 12, req.params.id); // safe
  console.debug(JSON.stringify(patient)); // PLANTED patient_record
  res.json(patient);
});

app.listen(3000, () => console.log("listening on 3000"));
