import { redirect } from "next/navigation";
import { requirePagePermission } from "@/lib/auth/guard";

// The dashboard opens on the sellers list, which every role may read.
export default async function AdminHome() {
  await requirePagePermission("read");
  redirect("/admin/sellers");
}
