import { Connection, Client } from '@temporalio/client';
import { decodeCursor, decodeKey, encodeCursor, encodeKey } from '../../../../libs/persistence/src';
import { isCalendarDate, isCanonicalInstant, isInstant, isStorableText } from '../../../../libs/persistence/src/typed-values';
import { jsonTextProblems, parameterProblems, withinDepth } from './input-rules';
import { unavailableDependency } from './problem';

describe('typed values', () => {
  it('accepts only calendar days that exist, years 0001 to 9999, by round trip', () => {
    for (const ok of ['2031-02-28', '2032-02-29', '0001-01-01', '9999-12-31', '0099-03-01', '2000-02-29']) expect([ok, isCalendarDate(ok)]).toEqual([ok, true]);
    for (const bad of [
      '2031-02-30',
      '0000-01-01',
      '2031-02-29',
      '1900-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-1-01',
      '20240101',
      '2024-01-01T00:00:00Z',
      ' 2024-01-01',
      '+02024-01-01',
      20240101,
      null,
    ]) {
      expect([bad, isCalendarDate(bad)]).toEqual([bad, false]);
    }
  });

  it('accepts strict ISO 8601 instants with an offset, every part in range', () => {
    for (const ok of ['2025-03-04T10:00:00Z', '2025-03-04T10:00Z', '2025-03-04T10:00:00.123456+01:00', '2025-03-04T23:59:59-14:00'])
      expect([ok, isInstant(ok)]).toEqual([ok, true]);
    for (const bad of [
      '2025-03-04',
      '2025-03-04T10:00:00',
      '2031-02-30T10:00:00Z',
      '0000-01-01T00:00:00Z',
      '1899-12-31T23:00:00Z',
      '2025-03-04T24:00:00Z',
      '2025-03-04T10:60:00Z',
      '2025-03-04T10:00:60Z',
      '2025-03-04T10:00:00+15:00',
      '2025-03-04 10:00:00Z',
      '+275760-09-13T00:00:00Z',
      '2025-03-04T10:00:00z',
    ]) {
      expect([bad, isInstant(bad)]).toEqual([bad, false]);
    }
    expect(isCanonicalInstant('2025-03-04T10:00:00.000Z')).toBe(true);
    expect(isCanonicalInstant('2025-03-04T10:00:00Z')).toBe(false);
    expect(isCanonicalInstant('2031-02-30T10:00:00.000Z')).toBe(false);
  });

  it('refuses control characters but tab, line feed and carriage return, and unpaired surrogates', () => {
    expect(isStorableText('line one\n\tline two\r\n')).toBe(true);
    expect(isStorableText('emoji \ud83d\ude00 ok')).toBe(true);
    for (const bad of ['a\u0000b', '\u0007', '\u001b[31m', '\u007f', '\u0085', 'x\ud800', '\udc00x', '\ude00\ud83d'])
      expect([bad, isStorableText(bad)]).toEqual([bad, false]);
  });
});

describe('input rules', () => {
  it('counts nesting on the raw text, ignoring brackets inside strings', () => {
    expect(withinDepth('{"a":[{"b":1}]}', 3)).toBe(true);
    expect(withinDepth('{"a":[{"b":1}]}', 2)).toBe(false);
    expect(withinDepth('{"a":"[[[[[[[[[[\\"[[[["}', 1)).toBe(true);
    expect(withinDepth('['.repeat(10000) + ']'.repeat(10000))).toBe(false);
  });

  it('names every bad string by its path, values and keys, at any depth and in arrays', () => {
    const problems = jsonTextProblems({
      persons: [{ name: 'ok' }, { name: 'x\ud800' }],
      text: 'a\u0000',
      deep: { list: [['fine', 'b\u0001']] },
      ['k\ud800']: 1,
      ['n\u0000']: 'v',
      __proto__x: 1,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'persons[1].name', rule: 'well_formed_unicode' }),
        expect.objectContaining({ field: 'text', rule: 'no_control_characters' }),
        expect.objectContaining({ field: 'deep.list[0][1]', rule: 'no_control_characters' }),
        expect.objectContaining({ field: 'k\\ud800', rule: 'well_formed_unicode' }),
        expect.objectContaining({ field: 'n\\u0000', rule: 'no_control_characters' }),
      ]),
    );
    expect(problems).toHaveLength(5);
    expect(jsonTextProblems(JSON.parse('{"__proto__":{"admin":true}}'))).toEqual([expect.objectContaining({ field: '__proto__', rule: 'forbidden_key' })]);
  });

  it('checks query and path parameters: once each, storable text', () => {
    expect(parameterProblems({ cursor: ['a', 'b'], from: 'x\u0000', ok: 'fine' }, { itemId: 'i\ud800' })).toEqual({
      query: [expect.objectContaining({ field: 'cursor', rule: 'single_value' }), expect.objectContaining({ field: 'from', rule: 'no_control_characters' })],
      path: [expect.objectContaining({ field: 'itemId', rule: 'well_formed_unicode' })],
    });
  });
});

describe('keyset cursors', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const id = '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f';

  it('decode only what the API encodes, fully typed', () => {
    const row = { createdAt: new Date('2025-05-06T07:08:09.123Z'), id };
    expect(decodeCursor(encodeCursor(row))).toEqual({ createdAt: '2025-05-06T07:08:09.123Z', id });
    for (const bad of [
      b64(`2031-02-30T00:00:00.000Z|${id}`),
      b64(`0000-01-01T00:00:00.000Z|${id}`),
      b64(`2025-05-06T07:08:09.123Z|${id}|extra`),
      b64(`2025-05-06T07:08:09.123Z|not-a-uuid-------------------------`),
      b64(`2025-05-06|${id}`),
      b64(`+275760-09-13T00:00:00.000Z|${id}`),
      encodeCursor(row) + '=',
      'garbage!',
      '',
      'A'.repeat(5000),
    ]) {
      expect([bad.slice(0, 60), decodeCursor(bad)]).toEqual([bad.slice(0, 60), null]);
    }
  });

  it('check the arity and type of every part of a monitoring key', () => {
    expect(decodeKey(encodeKey(['2025-05-06T07:08:09.123Z', id]), ['instant', 'uuid'])).toEqual(['2025-05-06T07:08:09.123Z', id]);
    expect(decodeKey(encodeKey(['2031-02-28', id]), ['date', 'uuid'])).toEqual(['2031-02-28', id]);
    expect(decodeKey(encodeKey(['2025-05-06T07:08:09.123Z', id, 'ESC-1']), ['instant', 'uuid', 'text'])).toEqual(['2025-05-06T07:08:09.123Z', id, 'ESC-1']);
    for (const [values, parts] of [
      [
        ['2031-02-30', id],
        ['date', 'uuid'],
      ],
      [
        ['0000-01-01', id],
        ['date', 'uuid'],
      ],
      [
        ['2025-05-06T07:08:09.123Z', id],
        ['date', 'uuid'],
      ],
      [
        ['2031-02-30T00:00:00.000Z', id],
        ['instant', 'uuid'],
      ],
      [
        [12345, id],
        ['instant', 'uuid'],
      ],
      [
        ['2025-05-06T07:08:09.123Z', 'x'],
        ['instant', 'uuid'],
      ],
      [['2025-05-06T07:08:09.123Z'], ['instant', 'uuid']],
      [
        ['2025-05-06T07:08:09.123Z', id, 'x\u0000'],
        ['instant', 'uuid', 'text'],
      ],
      [{ a: 1 }, ['instant', 'uuid']],
    ] as const) {
      expect(decodeKey(encodeKey(values as never), parts)).toBeNull();
    }
    expect(decodeKey('not json at all', ['instant', 'uuid'])).toBeNull();
    expect(decodeKey(b64('{"'), ['instant', 'uuid'])).toBeNull();
  });
});

describe('dependency errors', () => {
  it('recognises a Temporal frontend that does not answer, through the SDK error and its cause', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 200 });
    const client = new Client({ connection });
    // Bounded by a deadline so that the test is quick; the e2e suite sees UNAVAILABLE without one.
    const err = await connection
      .withDeadline(Date.now() + 300, () => client.workflow.start('none', { workflowId: 'w', taskQueue: 'q', args: [] }))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).not.toBeNull();
    expect(unavailableDependency(err)).toBe('temporal');
    await connection.close().catch(() => undefined);
  }, 30000);

  it('recognises Postgres away by socket code, SQLSTATE class 08 and 57P01-03, and nothing else', () => {
    const connRefused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5'), { code: 'ECONNREFUSED' });
    expect(unavailableDependency(new AggregateError([connRefused], ''))).toBe('postgres');
    expect(unavailableDependency(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe('postgres');
    expect(unavailableDependency(Object.assign(new Error('QueryFailedError'), { driverError: { code: '08006' } }))).toBe('postgres');
    expect(unavailableDependency(new Error('Connection terminated unexpectedly'))).toBe('postgres');
    expect(unavailableDependency(Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' }))).toBeNull();
    expect(unavailableDependency(Object.assign(new Error('unique violation'), { code: '23505' }))).toBeNull();
    expect(unavailableDependency(new TypeError('x is undefined'))).toBeNull();
    expect(unavailableDependency(Object.assign(new Error('invalid argument'), { code: 3, details: 'bad', metadata: {} }))).toBeNull();
  });
});
