// Third-party code that would reach the network on its own is switched off here, before it starts.
//
// onnxruntime-node's native library (1.30, Linux x64/arm64) carries Microsoft's 1DS telemetry
// (onnxruntime/core/platform/posix/telemetry.cc): unless ORT_DISABLE_TELEMETRY is set it resolves
// and uploads to mobile.events.data.microsoft.com. test/integration/no-network.test.ts found it
// under strace (DNS queries from the scan's inference threads). The variable is read by native code,
// so it must be in the process environment before onnxruntime loads; child and utility processes
// inherit it.
export const OFFLINE_ENV: Readonly<Record<string, string>> = { ORT_DISABLE_TELEMETRY: '1' };

/** Sets the variables (keeping any value the user gave). Call before onnxruntime-node is loaded. */
export function stayOffline(env: NodeJS.ProcessEnv = process.env): void {
  for (const [k, v] of Object.entries(OFFLINE_ENV)) env[k] ??= v;
}

stayOffline();
