/**
 * Fixture with planted findings: a TypeScript audit logger.
 * Comments marked PLANTED name what must be reported. Never compiled.
 */
import type { Logger } from "pino";
import type { Patient } from "./models";
import logger from "./logger";

export function audit(patient: Patient, action: string): void {
  logger.info({ action, patientId: patient.id }); // safe
  logger.info(`audit ${action} for ${(patient as Patient).email}`); // PLANTED email
  logger.child({ mrn: patient.mrn }).info("audited"); // PLANTED medical_record_number
}

export class AuditService {
  constructor(private readonly log: Logger) {}

  record(p: Patient): void {
    this.log.debug("address", p.address.street); // PLANTED address
    this.log.info("record %s", p.id); // safe
  }
}
