import { LoadingPanel } from "@/components/support/loading-panel";

export default function Loading() {
  return <LoadingPanel label="Loading requests…" />;
}
