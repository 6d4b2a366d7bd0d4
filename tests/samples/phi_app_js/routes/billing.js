/**
 * Fixture with planted findings: billing routes.
 * Comments marked PLANTED name what must be reported. Never run.
 */
const logger = require("../lib/logger");

function maskSsn(value) {
  return `***-**-${String(value).slice(-4)}`;
}

function charge(req, res, ctx) {
  const { dob, memberId } = req.body;
  logger.warn({ dob, memberId: memberId }, "charging"); // PLANTED date_of_birth, health_plan_id
  logger.error("card declined for", { ssn: req.body.ssn }); // PLANTED ssn
  logger.info("charge ok", { amount: 10, currency: "USD" }); // safe
  logger.debug(ctx.request.body); // PLANTED request_body
  console.warn("upstream said", res.body); // PLANTED response_body
  logger.info("masked", maskSsn(req.body.ssn)); // safe
  logger.info("keys", Object.keys(req.body)); // safe
  if (!req.body.email) console.error("missing email"); // safe
}

module.exports = { charge };
