// The web view against a real kernel's tasks, over real sockets, with Node's fetch: the
// token, Host and Origin checks, cancel, the event stream, and nothing left after it stops.
import { awaitPromise, run, sleep, spawn, type Kernel, type Operation } from '@curio/kernel';
import { newToken, serveWebView, type TaskSource, type WebTaskRow } from '../src/index.js';

/** A TaskSource over the kernel the test runs in (in the monitor, the worker asks the kernel's thread). */
function kernelSource(kernel: () => Kernel): TaskSource {
  return {
    rows: async () => [...kernel().tasks.values()].map((t): WebTaskRow => ({ id: t.id, name: t.name, state: t.state, cycles: t.cycles, parentId: t.parentId, daemon: t.daemon })),
    where: async (id) => kernel().tasks.get(id)?.traceback() ?? `No task ${id}`,
    cancel: (id) => new Promise((resolve) => {
      const task = kernel().tasks.get(id);
      if (task === undefined) return resolve(`No task ${id}`);
      kernel().spawnTask(function* () { yield* task.cancel(); resolve(`Cancelled task ${id}`); }, [], { daemon: true, name: 'test.cancel' }, null);
    }),
  };
}

/** Runs `body` with a web view on a free port of 127.0.0.1 and a sleeping task named `sleeper`. */
function withView<T>(body: (url: URL, sleeperId: number) => Promise<T>): Promise<T> {
  let kernel!: Kernel;
  return run(function* (): Operation<T> {
    const sleeper = yield* spawn.with({ name: 'sleeper' })(function* () { yield* sleep(60_000); });
    kernel = sleeper.kernel;
    let pageUrl!: (url: string) => void;
    const listening = new Promise<string>((resolve) => (pageUrl = resolve));
    const view = yield* spawn.with({ name: 'web view' })(serveWebView, '127.0.0.1', 0, kernelSource(() => kernel), { token: newToken(), intervalMs: 50, onListening: pageUrl });
    try {
      const url = new URL(yield* awaitPromise(listening));
      return yield* awaitPromise(body(url, sleeper.id));
    } finally {
      yield* view.cancel();
      yield* sleeper.cancel();
    }
  });
}

const withToken = (url: URL, path: string) => new URL(`${path}?token=${url.searchParams.get('token')}`, url);

describe('web view access', () => {
  it('refuses a request without the token, or with a wrong one, and shows nothing', () => withView(async (url) => {
    const none = await fetch(new URL('/', url));
    expect(none.status).toBe(403);
    expect(await none.text()).not.toContain('sleeper');
    const wrong = await fetch(new URL(`/tasks?token=${'0'.repeat(64)}`, url));
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('sleeper');
  }));

  it('serves the page with the token and sets the cookie that later requests carry', () => withView(async (url) => {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<!doctype html>');
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    const tasks = await fetch(new URL('/tasks', url), { headers: { cookie } });
    expect(tasks.status).toBe(200);
    const { rows } = (await tasks.json()) as { rows: WebTaskRow[] };
    expect(rows.find((r) => r.name === 'sleeper')?.state).toBe('TIME_SLEEP');
  }));

  it('refuses a Host that is not the address served (DNS rebinding), token or not', () => withView(async (url) => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: Number(url.port), path: withToken(url, '/tasks').pathname + withToken(url, '/tasks').search, headers: { host: `evil.example:${url.port}` } }, (res) => { res.resume(); resolve(res.statusCode!); }).on('error', reject).end();
    });
    expect([400, 403, 421]).toContain(status);
  }));

  it('refuses a cancel from another origin with 403 and leaves the task alone', () => withView(async (url, sleeperId) => {
    const refused = await fetch(withToken(url, `/cancel/${sleeperId}`), { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(refused.status).toBe(403);
    const noOrigin = await fetch(withToken(url, `/cancel/${sleeperId}`), { method: 'POST' });
    expect(noOrigin.status).toBe(403);
    const { rows } = (await (await fetch(withToken(url, '/tasks'))).json()) as { rows: WebTaskRow[] };
    expect(rows.some((r) => r.id === sleeperId)).toBe(true);
  }));
});

describe('web view actions', () => {
  it('cancels a task from the page origin, and shows where() on demand', () => withView(async (url, sleeperId) => {
    const where = await fetch(withToken(url, `/where/${sleeperId}`));
    expect(where.status).toBe(200);
    const cancelled = await fetch(withToken(url, `/cancel/${sleeperId}`), { method: 'POST', headers: { origin: url.origin } });
    expect(await cancelled.text()).toBe(`Cancelled task ${sleeperId}`);
    const { rows } = (await (await fetch(withToken(url, '/tasks'))).json()) as { rows: WebTaskRow[] };
    expect(rows.some((r) => r.id === sleeperId)).toBe(false);
  }));

  it('streams a changed table over Server-Sent Events: a cancelled task leaves the next event', () => withView(async (url, sleeperId) => {
    const controller = new AbortController();
    const events = await fetch(withToken(url, '/events'), { signal: controller.signal });
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    const reader = events.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextTable = async (): Promise<WebTaskRow[]> => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          return (JSON.parse(event.replace(/^data: /, '')) as { rows: WebTaskRow[] }).rows;
        }
        const { value } = await reader.read();
        buffer += decoder.decode(value, { stream: true });
      }
    };
    expect((await nextTable()).some((r) => r.id === sleeperId)).toBe(true);
    await fetch(withToken(url, `/cancel/${sleeperId}`), { method: 'POST', headers: { origin: url.origin } });
    let rows = await nextTable();
    while (rows.some((r) => r.id === sleeperId)) rows = await nextTable();
    expect(rows.some((r) => r.name === 'web view')).toBe(true);
    controller.abort();
  }));

  it('leaves no task and no socket once stopped', async () => {
    let kernel!: Kernel;
    // Listening sockets only: fetch's keep-alive client sockets of earlier tests close on their own time.
    const listeners = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = listeners();
    let during = -1;
    await run(function* () {
      const view = yield* spawn(serveWebView, '127.0.0.1', 0, kernelSource(() => kernel), { token: newToken() });
      kernel = view.kernel;
      yield* sleep(20);
      during = listeners();
      yield* view.cancel();
      expect([...kernel.tasks.values()].map((t) => t.name)).toEqual([expect.any(String)]);
    });
    // A closed net.Server leaves the handle list on a later turn of the event loop.
    for (let turn = 0; turn < 100 && listeners() !== before; turn++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(during).toBe(before + 1);
    expect(listeners()).toBe(before);
  });

  it('refuses a token too short to be one, by name', async () => {
    await expect(run(function* () { yield* serveWebView('127.0.0.1', 0, kernelSource(() => { throw new Error('unused'); }), { token: 'x' }); })).rejects.toThrow('options.token must be a string of at least 16 characters');
  });
});
