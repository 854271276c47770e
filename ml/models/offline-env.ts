// Imported for its side effect, before onnxruntime-node, by registry.ts (the one module that loads
// the runtime). onnxruntime-node's native library carries Microsoft's 1DS telemetry and, unless
// ORT_DISABLE_TELEMETRY is set when it starts, resolves and uploads to
// mobile.events.data.microsoft.com (found under strace by test/integration/no-network.test.ts).
// Kith makes no network connection the user did not ask for, so the CLI, the bridge, the service
// and every worker thread switch it off here; a value the user set is kept.
process.env.ORT_DISABLE_TELEMETRY ??= '1';
