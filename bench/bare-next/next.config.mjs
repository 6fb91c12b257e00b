// The bare Next.js app of bench/token.bench.ts: one route handler, built with the repository's own Next.
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const config = {
  poweredByHeader: false,
  turbopack: { root: path.join(here, "..", "..") },
};

export default config;
