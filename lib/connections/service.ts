// What staff do with connections, one file per concern: input and host rules (schemas.ts), create/edit/
// disable/delete (lifecycle.ts), "Test connection" (test-connection.ts), secret rotation (rotation.ts).
export type { Actor } from "./staff-changes";
export {
  connectionFields,
  createConnectionInput,
  documentedHostProblem,
  rotateSecretInput,
  updateConnectionInput,
  type CreateConnectionInput,
  type UpdateConnectionInput,
} from "./schemas";
export { createConnection, deleteConnection, setConnectionDisabled, updateConnection } from "./lifecycle";
export { testConnection, type TestOutcome } from "./test-connection";
export { confirmRotation, rotateSecret } from "./rotation";
