import { caseIdFor, digest } from './file-mla-request.usecase';
import { decodeCursor, encodeCursor } from '../../../../../libs/persistence/src/case-queries';

describe('filing identities', () => {
  it('derives one case id per filer and key, shaped as a UUID', () => {
    const id = caseIdFor('u-sn-prosecutor', 'k1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(caseIdFor('u-sn-prosecutor', 'k1')).toBe(id);
    expect(caseIdFor('u-sn-prosecutor', 'k2')).not.toBe(id);
    expect(caseIdFor('u-gh-prosecutor', 'k1')).not.toBe(id);
  });

  it('digests bodies independently of key order and undefined fields', () => {
    expect(digest({ a: 1, b: [1, { c: 2, d: undefined }] })).toBe(digest({ b: [1, { c: 2 }], a: 1 }));
    expect(digest({ a: 1 })).not.toBe(digest({ a: 2 }));
  });

  it('round-trips list cursors and rejects forged ones', () => {
    const row = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: '0b0e8c9a-1111-4222-8333-444455556666' };
    expect(decodeCursor(encodeCursor(row))).toEqual({ createdAt: row.createdAt.toISOString(), id: row.id });
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor(Buffer.from('2026-01-01|x; DROP TABLE cases').toString('base64url'))).toBeNull();
  });
});
