import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { Actor } from '../../../libs/domain/src';
import { ReferenceQueries } from '../../../libs/persistence/src';
import { CurrentActor } from './auth/auth.guard';
import { ReadResponses } from './common/openapi';
import { ActorDto, InstrumentDto, InstrumentWithPartiesDto, LegalBasesQuery, StateDto } from './reference.dto';

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
  @ReadResponses(ActorDto)
  me(@CurrentActor() actor: Actor) {
    return actor;
  }

  @Get('reference/states')
  @ApiOperation({ summary: 'The States of the network: code, name, time zone, languages accepted, groups' })
  @ReadResponses([StateDto])
  states() {
    return this.reference.states();
  }

  @Get('reference/legal-bases')
  @ApiOperation({ summary: 'The legal bases a pair of States can use on a date: instruments both are party to, for MLA or extradition' })
  @ReadResponses([InstrumentDto], 400)
  legalBases(@Query() q: LegalBasesQuery) {
    return this.reference.legalBasesFor(q.requesting, q.requested, q.kind, q.date ?? new Date().toISOString().slice(0, 10));
  }

  @Get('reference/instruments')
  @ApiOperation({ summary: 'Legal instruments with their parties and party dates' })
  @ReadResponses([InstrumentWithPartiesDto])
  instruments() {
    return this.reference.instruments();
  }
}
