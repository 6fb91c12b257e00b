// One Noon harness per test file: started before its tests, closed after them; before each test the
// simulator's faults are cleared and what it handed out is registered for the secret scan.
import { afterAll, beforeAll, beforeEach } from "vitest";
import { rememberIssued, startHarness, type Harness } from "@/tests/support/noon-harness";

/** The harness, filled in once `beforeAll` has run (use it inside tests and hooks only). */
export function noonHarnessPerFile(opts: { timeoutMs?: number } = {}): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.assign(h, await startHarness(opts));
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    rememberIssued(h.sim);
    h.sim.faults.reset();
  });
  return h;
}
