// A minimal EventSource over fetch for Node tests (Node 20 has no EventSource).
import type { EventSourceLike } from '../../../renderer/src/api/client.ts';

export function fetchEventSource(url: string): EventSourceLike & { ready: Promise<void> } {
  const controller = new AbortController();
  const listeners = new Map<string, Array<(e: { data: string }) => void>>();
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => {
    markReady = r;
  });
  void (async () => {
    const res = await fetch(url, { signal: controller.signal });
    if (!res.body) return;
    markReady();
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body) {
      buf += decoder.decode(chunk as Uint8Array, { stream: true });
      let i = buf.indexOf('\n\n');
      while (i >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length) for (const l of listeners.get(event) ?? []) l({ data: data.join('\n') });
        i = buf.indexOf('\n\n');
      }
    }
  })().catch(() => {});
  return {
    ready,
    addEventListener(type, listener) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
    close: () => controller.abort(),
  };
}
