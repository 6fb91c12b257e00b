// Retrying a small write through a database outage (a restart, a failover: seconds), for the records that
// must not be skipped: a failure's stage, a stored key's reference. Gives up after `totalMs`.
export async function whileDatabaseRecovers<T>(
  write: () => Promise<T>,
  opts: { totalMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + (opts.totalMs ?? 15_000);
  for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() + wait > deadline) throw error;
      await sleep(wait);
    }
  }
}
