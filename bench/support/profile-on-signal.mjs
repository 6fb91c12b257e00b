// Preloaded (`node --import`) into a benchmarked `next start` when BENCH_CPU_PROF=1: SIGUSR2 starts V8's CPU
// profiler in this process, the next SIGUSR2 stops it and writes BENCH_PROFILE_DIR/phase-N.cpuprofile, so a
// profile holds only the timed phases (no start-up, no preparation). Each step prints one line for the bench.
import fs from "node:fs";
import inspector from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  let phase = 0;
  const post = (method, params) =>
    new Promise((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
    );
  process.on("SIGUSR2", () => {
    if (!running) {
      running = true;
      post("Profiler.enable")
        .then(() => post("Profiler.setSamplingInterval", { interval: 500 }))
        .then(() => post("Profiler.start"))
        .then(() => process.stdout.write("bench-profile: started\n"))
        .catch((error) => process.stdout.write(`bench-profile: failed ${error}\n`));
      return;
    }
    running = false;
    post("Profiler.stop")
      .then(({ profile }) => {
        phase += 1;
        const file = path.join(dir, `phase-${phase}.cpuprofile`);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(file, JSON.stringify(profile));
        process.stdout.write(`bench-profile: written ${file}\n`);
      })
      .catch((error) => process.stdout.write(`bench-profile: failed ${error}\n`));
  });
}
