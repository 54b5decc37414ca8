import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ProblemException } from './common/problem';
import { DataSource } from 'typeorm';
import type { Actor } from '../../../libs/domain/src';
import { ReferenceQueries } from '../../../libs/persistence/src';
import { isCalendarDate } from '../../../libs/persistence/src/typed-values';
import { CurrentActor } from './auth/auth.guard';

@ApiTags('reference')
@ApiBearerAuth()
@Controller()
export class ReferenceController {
  private readonly reference: ReferenceQueries;

  constructor(@Inject(DataSource) db: DataSource) {
    this.reference = new ReferenceQueries(db);
  }

  @Get('me')
  @ApiOperation({ summary: 'The authenticated user: roles, State, authority, liaison postings' })
  me(@CurrentActor() actor: Actor) {
    return actor;
  }

  @Get('reference/states')
  states() {
    return this.reference.states();
  }

  @Get('reference/legal-bases')
  @ApiOperation({ summary: 'The legal bases a pair of States can use on a date: instruments both are party to, for MLA or extradition' })
  @ApiQuery({ name: 'requesting', example: 'MR' })
  @ApiQuery({ name: 'requested', example: 'SN' })
  @ApiQuery({ name: 'kind', enum: ['MLA', 'EXTRADITION'] })
  @ApiQuery({ name: 'date', required: false, description: 'YYYY-MM-DD, today by default' })
  legalBases(@Query('requesting') requesting: string, @Query('requested') requested: string, @Query('kind') kind: string, @Query('date') date?: string) {
    const errors = [];
    if (!/^[A-Z]{2}$/.test(requesting ?? '')) errors.push({ field: 'requesting', rule: 'state_code', message: 'an ISO 3166-1 alpha-2 code' });
    if (!/^[A-Z]{2}$/.test(requested ?? '')) errors.push({ field: 'requested', rule: 'state_code', message: 'an ISO 3166-1 alpha-2 code' });
    if (kind !== 'MLA' && kind !== 'EXTRADITION') errors.push({ field: 'kind', rule: 'isIn', message: 'MLA or EXTRADITION' });
    if (date !== undefined && !isCalendarDate(date)) errors.push({ field: 'date', rule: 'calendar_date', message: 'a calendar date (YYYY-MM-DD, a day that exists)' });
    if (errors.length) throw ProblemException.of(400, 'INVALID_QUERY', `${errors.length} problem(s) in the query`, { errors });
    return this.reference.legalBasesFor(requesting, requested, kind, date ?? new Date().toISOString().slice(0, 10));
  }

  @Get('reference/instruments')
  @ApiOperation({ summary: 'Legal instruments with their parties and party dates' })
  instruments() {
    return this.reference.instruments();
  }
}
