import 'reflect-metadata';
import { CaseListQuery, CaseReadQuery } from '../cases/dto/case-queries.dto';
import { OptionalCommentDto } from '../cases/dto/case-commands.dto';
import { StalledQuery, StatisticsQuery } from '../monitoring/monitoring.dto';
import { FailuresQuery } from '../operations/operations.controller';
import { LegalBasesQuery } from '../reference.dto';
import { ProblemException } from './problem';
import { InputValidationPipe } from './validation-pipe';

const pipe = new InputValidationPipe();
const query = (metatype: new () => object, value: Record<string, string>) => pipe.transform(value, { type: 'query', metatype });

async function problem(run: Promise<unknown>) {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProblemException);
  const p = (err as ProblemException).problem;
  return { status: p.status, code: p.code, errors: (p.errors ?? []).map((e) => `${e.field}:${e.rule}`) };
}

describe('query DTOs through the global validation pipe', () => {
  it('fills defaults, converts numbers and drops parameters no route reads', async () => {
    const q = (await query(StalledQuery, { days: '12', utm_source: 'mail' })) as StalledQuery;
    expect(q).toBeInstanceOf(StalledQuery);
    expect(q).toMatchObject({ days: 12, limit: 50, sort: 'idle', order: 'desc' });
    expect(q).not.toHaveProperty('utm_source');
    expect(q.after(['instant', 'uuid'])).toBeNull();
  });

  it('answers 400 INVALID_QUERY naming each field and rule', async () => {
    expect(await problem(query(StalledQuery, { limit: '0', days: 'x', requesting: 'sn', kind: 'X', sort: 'up', cursor: 'garbage' }))).toEqual({
      status: 400,
      code: 'INVALID_QUERY',
      errors: expect.arrayContaining(['limit:range', 'days:range', 'requesting:state_code', 'kind:isIn', 'sort:isIn', 'cursor:format']),
    });
    expect((await problem(query(StatisticsQuery, { from: '2031-02-30' }))).errors).toEqual(['from:calendar_date']);
    expect((await problem(query(CaseListQuery, { limit: '101' }))).errors).toEqual(['limit:range']);
    expect((await problem(query(CaseReadQuery, { minVersion: '-1' }))).errors).toEqual(['minVersion:integer']);
    expect((await problem(query(FailuresQuery, { limit: '1e2' }))).errors).toEqual(['limit:range']);
    expect((await problem(query(LegalBasesQuery, {}))).errors).toEqual(expect.arrayContaining(['requesting:state_code', 'requested:state_code', 'kind:isIn']));
  });

  it('keeps an empty case-list cursor as the first page', async () => {
    expect(await query(CaseListQuery, { cursor: '' })).toMatchObject({ limit: 20, cursor: '' });
    expect(await query(CaseReadQuery, { minVersion: '7' })).toMatchObject({ minVersion: 7 });
  });

  it('still refuses body properties no DTO declares', async () => {
    const p = await problem(pipe.transform({ comment: 'ok', surprise: 1 }, { type: 'body', metatype: OptionalCommentDto }));
    expect(p).toEqual({ status: 400, code: 'INVALID_BODY', errors: ['surprise:unknown_property'] });
  });
});
