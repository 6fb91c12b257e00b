export { SubmitButton, Spinner, buttonClass, type ButtonVariant } from "@/components/ui/button";
export { Field, SelectField } from "@/components/ui/field";
export { Table, Td, EmptyRow } from "@/components/ui/table";
export { Badge } from "@/components/ui/badge";
export { CopyButton } from "@/components/ui/copy-button";
export { PageHeader } from "@/components/ui/page-header";
export { Alert } from "@/components/ui/alert";
export { SecretOnce } from "@/components/ui/secret-once";
