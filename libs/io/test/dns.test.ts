import { run, spawn, sleep, TaskCancelled } from '@curio/kernel';
import { getaddrinfo, gethostbyname, getnameinfo, IOError, AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM, IPPROTO_TCP, IPPROTO_UDP, type InetAddress } from '../src/index.js';

describe('getaddrinfo', () => {
  it('resolves localhost to 127.0.0.1 with an entry per socket type', async () => {
    const infos = await run(() => getaddrinfo('localhost', 80));
    expect(infos).toContainEqual([AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 80]]);
    expect(infos).toContainEqual([AF_INET, SOCK_DGRAM, IPPROTO_UDP, '', ['127.0.0.1', 80]]);
  });

  it('filters by family and type, and takes a numeric string port', async () => {
    const infos = await run(() => getaddrinfo('127.0.0.1', '8080', { family: AF_INET, type: SOCK_STREAM }));
    expect(infos).toEqual([[AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 8080]]]);
  });

  it('a null host is the loopback address', async () => {
    const infos = await run(() => getaddrinfo(null, null, { type: SOCK_STREAM }));
    expect(infos).toEqual([[AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 0]]]);
  });

  it('fails with ENOTFOUND when no address of the family exists', async () => {
    const err = await run(function* () {
      try {
        return yield* getaddrinfo('127.0.0.1', 80, { family: AF_INET6 });
      } catch (e) {
        return e;
      }
    });
    expect(err).toBeInstanceOf(IOError);
    expect(err).toMatchObject({ code: 'ENOTFOUND', message: expect.stringMatching(/^getaddrinfo\(\) for "127\.0\.0\.1": /) });
  });

  it('rejects bad arguments with clear errors', async () => {
    const messages = await run(function* () {
      const out: string[] = [];
      const attempts = [
        () => getaddrinfo('localhost', 'http'),
        () => getaddrinfo('localhost', 70000),
        () => getaddrinfo('', 80),
        () => getaddrinfo('localhost', 80, { family: 3 as typeof AF_INET }),
      ];
      for (const op of attempts) {
        try {
          yield* op();
        } catch (e) {
          out.push((e as Error).message);
        }
      }
      return out;
    });
    expect(messages).toEqual([
      expect.stringMatching(/port must be a number or a numeric string/),
      expect.stringMatching(/a port is an integer from 0 to 65535/),
      expect.stringMatching(/host must be a non-empty string or null/),
      expect.stringMatching(/family must be 0, AF_INET or AF_INET6/),
    ]);
  });

  it('is cancellable while the resolver works', async () => {
    const out = await run(function* () {
      const t = yield* spawn(function* () {
        return yield* getaddrinfo('localhost', 80);
      });
      yield* sleep(0);
      const parkedState = t.state;
      yield* t.cancel();
      return { parkedState, exception: t.exception };
    });
    expect(out.parkedState).toBe('FUTURE_WAIT');
    expect(out.exception).toBeInstanceOf(TaskCancelled);
  });
});

describe('gethostbyname and getnameinfo', () => {
  it('gethostbyname gives the IPv4 address of localhost', async () => {
    expect(await run(() => gethostbyname('localhost'))).toBe('127.0.0.1');
    expect(await run(() => gethostbyname('127.0.0.1'))).toBe('127.0.0.1');
  });

  it('getnameinfo gives the host and service names of an address', async () => {
    const [host, service] = await run(() => getnameinfo(['127.0.0.1', 22]));
    expect(host).toBe('localhost');
    // The service name comes from /etc/services when the machine has it, else the number.
    expect(['ssh', '22']).toContain(service);
  });

  it('getnameinfo rejects a name where an IP address is needed', async () => {
    await expect(run(() => getnameinfo(['localhost', 80] as InetAddress))).rejects.toThrow(/getnameinfo\(\): expected an \[ip, port\] tuple with an IP address/);
  });
});
