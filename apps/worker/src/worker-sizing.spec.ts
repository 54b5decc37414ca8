import { CACHED_CASE_MB, cacheThatFits } from './worker.service';

describe('the worker cache against its heap', () => {
  const MB = 2 ** 20;

  it('caches what is asked for when the heap holds it, and says nothing', () => {
    const warnings: string[] = [];
    expect(cacheThatFits(11_000, (m) => warnings.push(m), (300 + 11_000 * CACHED_CASE_MB) * MB)).toBe(11_000);
    expect(warnings).toEqual([]);
  });

  it('caches what the heap holds when it is too small, and names the heap to give the worker', () => {
    const warnings: string[] = [];
    const cached = cacheThatFits(11_000, (m) => warnings.push(m), 2048 * MB);
    expect(cached).toBe(Math.floor((2048 - 300) / CACHED_CASE_MB));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`--max-old-space-size=${300 + 11_000 * CACHED_CASE_MB}`);
  });
});
