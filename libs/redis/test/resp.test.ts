import { INCOMPLETE, RedisProtocolError, RedisReplyError, encodeCommand, parseReply, type RespReply } from '@curio/redis';

function parseAll(bytes: Buffer): RespReply[] {
  const out: RespReply[] = [];
  let offset = 0;
  const need = { bytes: 0 };
  while (offset < bytes.length) {
    const parsed = parseReply(bytes, offset, need);
    if (parsed === INCOMPLETE) throw new Error(`incomplete at ${offset}`);
    out.push(parsed.value);
    offset = parsed.end;
  }
  return out;
}

describe('encodeCommand', () => {
  it('encodes strings, numbers and Buffers as a RESP array of bulk strings', () => {
    expect(encodeCommand('set', ['SET', 'k', 'héllo'])).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nhéllo\r\n');
    expect(encodeCommand('incrBy', ['INCRBY', 'n', -12])).toBe('*3\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$3\r\n-12\r\n');
    const withBytes = encodeCommand('set', ['SET', Buffer.from([0, 255]), 'v']);
    expect(Buffer.isBuffer(withBytes)).toBe(true);
    expect(withBytes).toEqual(Buffer.concat([Buffer.from('*3\r\n$3\r\nSET\r\n$2\r\n'), Buffer.from([0, 255]), Buffer.from('\r\n$1\r\nv\r\n')]));
  });

  it('names the argument and the value for anything else', () => {
    expect(() => encodeCommand('get', ['GET', undefined as unknown as string])).toThrow('get(): argument 2 must be a string, a finite number, a bigint or a Buffer, got undefined');
    expect(() => encodeCommand('set', ['SET', 'k', { a: 1 } as unknown as string])).toThrow('got an object');
    expect(() => encodeCommand('incrBy', ['INCRBY', 'k', Number.NaN])).toThrow('got NaN');
    expect(() => encodeCommand('command', [])).toThrow('a command needs at least its name');
  });
});

describe('parseReply', () => {
  const wire = Buffer.from('+OK\r\n-ERR wrong\r\n:42\r\n:-7\r\n$5\r\nhello\r\n$-1\r\n$0\r\n\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n*-1\r\n*0\r\n');

  it('reads every RESP2 type', () => {
    const replies = parseAll(wire);
    expect(replies[0]).toBe('OK');
    expect(replies[1]).toBeInstanceOf(RedisReplyError);
    expect((replies[1] as RedisReplyError).code).toBe('ERR');
    expect(replies.slice(2)).toEqual([42, -7, Buffer.from('hello'), null, Buffer.alloc(0), [Buffer.from('a'), [1]], null, []]);
  });

  it('says INCOMPLETE at every cut point, and reads the same replies once whole', () => {
    for (let cut = 0; cut < wire.length; cut++) {
      const part = wire.subarray(0, cut);
      let offset = 0;
      const need = { bytes: 0 };
      for (;;) {
        const parsed = parseReply(part, offset, need);
        if (parsed === INCOMPLETE) {
          expect(need.bytes).toBeGreaterThan(cut);
          expect(need.bytes).toBeLessThanOrEqual(wire.length);
          break;
        }
        offset = parsed.end;
      }
    }
  });

  it('rejects bytes that are not RESP with a message showing them', () => {
    const need = { bytes: 0 };
    expect(() => parseReply(Buffer.from('HTTP/1.1 200 OK\r\n'), 0, need)).toThrow(RedisProtocolError);
    expect(() => parseReply(Buffer.from('HTTP/1.1 200 OK\r\n'), 0, need)).toThrow('unknown reply type "H"');
    expect(() => parseReply(Buffer.from(':12a\r\n'), 0, need)).toThrow('expected an integer, at ":12a\\r\\n"');
    expect(() => parseReply(Buffer.from('$3\r\nabcd\r\n'), 0, need)).toThrow('is not followed by \\r\\n');
    expect(() => parseReply(Buffer.from('+OK\rX'), 0, need)).toThrow('without \\n');
  });
});
