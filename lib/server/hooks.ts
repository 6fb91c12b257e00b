// Every module with start-up work is imported here, so it registers through onServerStart.
import "@/lib/auth/bootstrap";
import "@/lib/jobs/start";
import "@/lib/connections/start";
export {};
