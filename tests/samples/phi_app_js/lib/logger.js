/** Fixture: logger setup; no planted findings in this module. */
const os = require("os");
const pino = require("pino");

const logger = pino({ level: "info", redact: ["req.headers.authorization"] });
logger.info({ hostname: os.hostname() }, "logger ready");
logger.info("loaded from", __filename);
logger.info({ patientCount: 0, userName: "system" }, "warm");

module.exports = logger;
