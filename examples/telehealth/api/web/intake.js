// Patient intake form handler (demo code with planted findings).
const express = require("express");
const logger = require("./logger");

const router = express.Router();

router.post("/intake", (req, res) => {
  // Planted: logs the raw body of an intake form.
  logger.info("intake received", req.body);
  const { ssn, diagnosis } = req.body;
  console.log(`intake for ssn ${ssn}`);
  logger.info({ diagnosis }, "diagnosis recorded");
  res.status(202).json({ ok: true });
});

router.get("/health", (req, res) => {
  console.log("health check from", req.ip ? "client" : "unknown");
  res.json({ status: "ok" });
});

module.exports = router;
