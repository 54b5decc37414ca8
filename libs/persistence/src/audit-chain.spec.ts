import { GENESIS_HASH, auditRowHash, firstBrokenLink, type AuditRowContent, type StoredAuditRow } from './audit-chain';

const CASE = '0b7c2a34-5b0e-4c1c-9d7e-2f5d8f4a9e11';

function content(seq: number, extra: Partial<AuditRowContent> = {}): AuditRowContent {
  return {
    caseId: CASE,
    seq,
    event: seq === 0 ? 'FILED' : 'NOTE',
    fromState: seq === 0 ? null : 'DRAFT',
    toState: 'DRAFT',
    actorId: 'u-sn-prosecutor',
    actorRole: 'PROSECUTOR',
    actorState: 'SN',
    actorAuthorityId: 'SN-PROS-DAKAR',
    at: new Date(Date.UTC(2026, 0, 1 + seq)).toISOString(),
    legalRef: null,
    comment: `note ${seq}`,
    data: { b: seq, a: [1, { d: 1, c: 2 }] },
    notify: null,
    ...extra,
  };
}

function chain(n: number): StoredAuditRow[] {
  const rows: StoredAuditRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 0; seq < n; seq++) {
    const c = content(seq);
    const hash = auditRowHash(c, prev);
    rows.push({ ...c, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe('audit hash chain', () => {
  it('hashes the content as jsonb gives it back: key order, undefined members and Date vs ISO string do not matter', () => {
    const written = content(1, { data: { b: 1, a: { y: 2, x: undefined, z: [3] } } });
    const readBack = content(1, { data: { a: { z: [3], y: 2 }, b: 1 }, at: new Date(written.at as string) });
    expect(auditRowHash(readBack, GENESIS_HASH)).toBe(auditRowHash(written, GENESIS_HASH));
  });

  it('changes with any covered column and with the previous hash', () => {
    const base = auditRowHash(content(2), GENESIS_HASH);
    for (const change of [
      { comment: 'other' },
      { seq: 3 },
      { actorId: 'u-x' },
      { data: null },
      { notify: ['u-a'] },
      { at: '2026-01-03T00:00:00.001Z' },
      { legalRef: 'x' },
    ]) {
      expect(auditRowHash(content(2, change as Partial<AuditRowContent>), GENESIS_HASH)).not.toBe(base);
    }
    expect(auditRowHash(content(2), 'f'.repeat(64))).not.toBe(base);
  });

  it('finds no break in an intact chain', () => {
    expect(firstBrokenLink(CASE, chain(6), 5)).toBeNull();
  });

  it('names an edited row', () => {
    const rows = chain(6);
    rows[3] = { ...rows[3], comment: 'rewritten' };
    expect(firstBrokenLink(CASE, rows, 5)).toMatchObject({ seq: 3, problem: 'CONTENT_CHANGED' });
  });

  it('names a deleted row, in the middle and at the end', () => {
    const rows = chain(6);
    expect(firstBrokenLink(CASE, [...rows.slice(0, 2), ...rows.slice(3)], 5)).toMatchObject({ seq: 2, problem: 'ROW_MISSING' });
    expect(firstBrokenLink(CASE, rows.slice(0, 5), 5)).toMatchObject({ seq: 5, problem: 'ROW_MISSING' });
  });

  it('names the first of two swapped rows', () => {
    const rows = chain(6);
    const swapped = [rows[0], rows[1], { ...rows[4], seq: 2 }, rows[3], { ...rows[2], seq: 4 }, rows[5]];
    expect(firstBrokenLink(CASE, swapped, 5)).toMatchObject({ seq: 2, problem: 'REORDERED' });
    const adjacent = [rows[0], { ...rows[2], seq: 1 }, { ...rows[1], seq: 2 }, ...rows.slice(3)];
    expect(firstBrokenLink(CASE, adjacent, 5)).toMatchObject({ seq: 1, problem: 'REORDERED' });
  });

  it('names a row re-hashed without its successor', () => {
    const rows = chain(4);
    const edited = { ...rows[1], comment: 'rewritten' };
    rows[1] = { ...edited, hash: auditRowHash(edited, rows[0].hash!) };
    expect(firstBrokenLink(CASE, rows, 3)).toMatchObject({ seq: 2, problem: 'LINK_BROKEN' });
  });

  it('names a row without a hash', () => {
    const rows = chain(3);
    rows[2] = { ...rows[2], hash: null, prevHash: null };
    expect(firstBrokenLink(CASE, rows, 2)).toMatchObject({ seq: 2, problem: 'UNHASHED' });
  });
});
