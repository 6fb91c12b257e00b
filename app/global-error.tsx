"use client";

// Replaces the root layout when it fails itself, so it brings its own <html> and <body>.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body
        style={{
          fontFamily: "system-ui, sans-serif",
          margin: "4rem auto",
          maxWidth: "36rem",
          padding: "0 1rem",
          color: "#0f172a",
        }}
      >
        <main id="main">
          <h1>Something went wrong</h1>
          <p>
            The service could not show this page{error.digest ? ` (reference ${error.digest})` : ""}. Try again in a
            moment.
          </p>
          <button type="button" onClick={reset}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
