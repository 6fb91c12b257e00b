// Buttons: usable from server and client components alike (only SubmitButton is a client component).
export { buttonClass, type ButtonVariant } from "@/components/ui/button-class";
export { SubmitButton } from "@/components/ui/submit-button";
export { Spinner } from "@/components/ui/spinner";
