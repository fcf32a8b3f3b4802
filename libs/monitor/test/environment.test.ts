import { Kernel, sleep } from '@curio/kernel';
import { resolve } from 'node:path';
import { monitorFromEnvironment, parseMonitorAddress, formatMonitorAddress, DEFAULT_MONITOR_PORT } from '../src/index.js';

describe('parseMonitorAddress', () => {
  it('reads 1, PORT, HOST:PORT, [IPV6]:PORT and unix:PATH', () => {
    expect(parseMonitorAddress('1')).toEqual({ host: '127.0.0.1', port: DEFAULT_MONITOR_PORT });
    expect(parseMonitorAddress('9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(parseMonitorAddress('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    expect(parseMonitorAddress('[::1]:9001')).toEqual({ host: '::1', port: 9001 });
    expect(parseMonitorAddress('unix:/run/app.monitor')).toEqual({ path: '/run/app.monitor' });
    expect(parseMonitorAddress('unix:app.monitor')).toEqual({ path: resolve('app.monitor') });
  });

  it('formatMonitorAddress writes what it reads', () => {
    for (const text of ['127.0.0.1:48802', '[::1]:9001', 'unix:/run/app.monitor']) expect(formatMonitorAddress(parseMonitorAddress(text))).toBe(text);
  });

  it('names what it could not read', () => {
    expect(() => parseMonitorAddress('yes please')).toThrow("expected a monitor address: 1, PORT, HOST:PORT, [IPV6]:PORT or unix:PATH (e.g. 127.0.0.1:48802); got 'yes please'");
    expect(() => parseMonitorAddress('unix:')).toThrow("got 'unix:'");
    expect(() => parseMonitorAddress('host:99999')).toThrow("got 'host:99999'");
  });
});

describe('monitorFromEnvironment', () => {
  it('is off unless the setting or CURIO_MONITOR asks for it; false wins over the environment', () => {
    expect(monitorFromEnvironment(undefined, {})).toBeNull();
    expect(monitorFromEnvironment(undefined, { CURIO_MONITOR: '0' })).toBeNull();
    expect(monitorFromEnvironment(false, { CURIO_MONITOR: '1' })).toBeNull();
  });

  it('starts a monitor on the address CURIO_MONITOR gives', async () => {
    const mon = monitorFromEnvironment(undefined, { CURIO_MONITOR: '127.0.0.1:0' });
    const kernel = new Kernel({ activations: [mon!] });
    const finished = kernel.run(function* () { yield* sleep(300_000); }).catch(() => null);
    const address = await mon!.listening;
    expect(address.host).toBe('127.0.0.1');
    expect(address.port).toBeGreaterThan(0);
    await kernel.shutdown();
    await finished;
  });

  it('says which variable was wrong', () => {
    expect(() => monitorFromEnvironment(undefined, { CURIO_MONITOR: 'on' })).toThrow("CURIO_MONITOR: expected a monitor address: 1, PORT, HOST:PORT, [IPV6]:PORT or unix:PATH (e.g. 127.0.0.1:48802); got 'on'");
    expect(() => monitorFromEnvironment('yes' as never, {})).toThrow('monitor option: expected true, false, { host, port } or { path }; got "yes" (a string)');
  });
});
